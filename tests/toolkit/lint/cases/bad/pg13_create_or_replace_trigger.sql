-- CREATE OR REPLACE TRIGGER is PostgreSQL 14.

CREATE OR REPLACE TRIGGER counters_touch_trg
BEFORE UPDATE ON xferity.counters
FOR EACH ROW EXECUTE FUNCTION xferity.counters_touch();
