-- The first outlets of a claim ("reported by") in order of publication whatever order the articles
-- came in: each kept outlet with the day and time it first carried the claim (UTC), so that an
-- outlet published earlier but stored later takes its place. NULL for a claim counted before this
-- version: counted again from its facts when a new source carries it.

ALTER TABLE claim_stats ADD COLUMN dated TEXT;  -- JSON [[outlet, first published or null], …] of the outlets kept

-- How closely a source copies or rewrites its parent (JSON), so that a source stored later is
-- compared with it at once: an original stored after its rewrites becomes their parent then. NULL
-- for a link made before this version (found again from the facts when it is next compared).
ALTER TABLE sources ADD COLUMN closeness TEXT;
