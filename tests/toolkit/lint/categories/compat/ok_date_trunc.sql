-- Case: date_trunc() and generate_series() with 3 arguments
-- expect: none
CREATE VIEW xferity.days AS SELECT d::date AS day FROM generate_series(date_trunc('day', now()), date_trunc('day', now()) + interval '6 days', interval '1 day') AS d;
