-- Case: jsonb -> with an integer (an operator, not a subscript)
-- expect: none
CREATE VIEW xferity.first_items AS SELECT id, payload -> 0 AS first_item FROM xferity.jobs;
