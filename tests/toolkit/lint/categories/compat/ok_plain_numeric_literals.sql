-- Case: plain integer, decimal and exponent literals
-- expect: none
CREATE VIEW xferity.numbers AS SELECT 1000 AS a, 1.5e3 AS b, .5 AS c, 017 AS d;
