-- A person's quotes and claims newest first, in exactly the order /quote and /who read them: with
-- the id in the index, the first page is read without sorting a whole day's worth of rows.

CREATE INDEX IF NOT EXISTS quotes_entity_recent ON quotes(entity_id, claimed_on DESC, id DESC);
DROP INDEX IF EXISTS quotes_entity;
CREATE INDEX IF NOT EXISTS estimates_entity_recent ON estimates(entity_id, claimed_on DESC, id DESC);
DROP INDEX IF EXISTS estimates_entity;
