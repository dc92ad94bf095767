-- A table outside schema xferity.

CREATE TABLE public.events (
    event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY
);

COMMENT ON TABLE public.events IS 'Events.';
COMMENT ON COLUMN public.events.event_id IS 'Surrogate key.';
