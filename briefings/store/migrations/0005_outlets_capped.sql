-- claim_stats.outlets keeps the first 8 outlets (as the store writes them); 0004 filled it uncapped
-- from existing data, so a claim carried by thousands of sources had an array as long to decode.

UPDATE claim_stats
   SET outlets = (SELECT json_group_array(value) FROM (SELECT value FROM json_each(claim_stats.outlets) ORDER BY key LIMIT 8))
 WHERE json_array_length(outlets) > 8;
