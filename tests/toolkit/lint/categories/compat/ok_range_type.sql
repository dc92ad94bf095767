-- Case: CREATE TYPE AS RANGE without multirange_type_name
-- expect: none
CREATE TYPE xferity.floatrange AS RANGE (subtype = float8);
