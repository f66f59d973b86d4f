-- Channels subscribed to digests. The watermark is the moment up to which facts have been delivered;
-- pending_until is a digest being delivered, kept so that a retry after a crash sends the same one.

CREATE TABLE subscriptions (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    channel_id    INTEGER NOT NULL,
    at_time       TEXT NOT NULL CHECK (at_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    timezone      TEXT NOT NULL,
    every         TEXT NOT NULL CHECK (every IN ('day', 'week', 'hours')),
    hours         INTEGER CHECK (hours IS NULL OR hours BETWEEN 1 AND 168),
    status        TEXT CHECK (status IS NULL OR status IN ('planned', 'deployed', 'frontline', 'casualties')),
    no_news_line  INTEGER NOT NULL DEFAULT 0,
    watermark     TEXT NOT NULL,     -- facts stored after this are not yet delivered (ISO, UTC)
    last_slot     TEXT NOT NULL,     -- the latest scheduled time already handled (ISO, UTC)
    pending_until TEXT,              -- the end of a digest being delivered, while it is
    failures      INTEGER NOT NULL DEFAULT 0,
    next_retry    TEXT,
    last_error    TEXT,
    paused_reason TEXT,
    last_delivery TEXT,
    created_by    INTEGER,
    created_at    TEXT NOT NULL
);
CREATE INDEX subscriptions_guild ON subscriptions(guild_id);
