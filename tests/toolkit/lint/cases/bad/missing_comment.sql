-- A table whose column has no COMMENT ON COLUMN.

CREATE TABLE xferity.notes (
    note_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body text NOT NULL
);

COMMENT ON TABLE xferity.notes IS 'Operator notes.';
COMMENT ON COLUMN xferity.notes.note_id IS 'Surrogate key.';
