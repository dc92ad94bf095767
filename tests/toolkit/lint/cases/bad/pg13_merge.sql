-- MERGE is PostgreSQL 15.

MERGE INTO xferity.counters AS c
USING xferity.increments AS i ON c.counter_id = i.counter_id
WHEN MATCHED THEN UPDATE SET total = c.total + i.amount;
