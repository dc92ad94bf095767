-- A table without a primary key.

CREATE TABLE xferity.events (
    name text NOT NULL
);

COMMENT ON TABLE xferity.events IS 'Events.';
COMMENT ON COLUMN xferity.events.name IS 'Event name.';
