-- A claimant's numbers over time (the /estimate chart) and the number they gave before their latest
-- (its "changes") are read from estimates_group alone (an index-only scan): the index carries the value.
DROP INDEX IF EXISTS estimates_group;
CREATE INDEX estimates_group ON estimates (story, group_key, status, claimed_on, id) INCLUDE (value);
