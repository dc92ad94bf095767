-- Case: subscripting an array literal
-- expect: none
CREATE VIEW xferity.weekdays AS SELECT ('{mon,tue,wed}'::text[])[2] AS second_day;
