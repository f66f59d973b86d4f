-- The messages of a digest being delivered, rendered once when its delivery starts. Each part is
-- marked with the message Discord made of it once accepted: a retry posts exactly the parts not yet
-- accepted, in order, and never one twice (a digest in two parts whose second part was refused used
-- to be posted again from its first part).

CREATE TABLE IF NOT EXISTS digest_parts (
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    part            INTEGER NOT NULL CHECK (part >= 1),
    payload         TEXT NOT NULL,     -- the message as the bot posts it (JSON), rendered once
    message_id      INTEGER,           -- the message Discord made of it, once it accepted the part
    PRIMARY KEY (subscription_id, part)
);
