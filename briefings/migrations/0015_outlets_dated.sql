-- The first outlets of a claim ("reported by") in order of publication whatever order the articles
-- came in: each kept outlet with the day and time it first carried the claim (UTC), so that an
-- outlet published earlier but stored later takes its place. NULL for a claim counted before this
-- version: counted again from its facts when a new source carries it.

ALTER TABLE claim_stats ADD COLUMN dated TEXT;  -- JSON [[outlet, first published or null], …] of the outlets kept
