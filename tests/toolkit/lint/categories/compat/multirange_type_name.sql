-- Case: CREATE TYPE AS RANGE with multirange_type_name (14)
-- expect: pg13-compat
CREATE TYPE xferity.floatrange AS RANGE (subtype = float8, multirange_type_name = xferity.floatmultirange);
