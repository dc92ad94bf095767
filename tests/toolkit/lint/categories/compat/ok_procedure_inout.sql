-- Case: a procedure with an INOUT parameter (11)
-- expect: none
CREATE PROCEDURE xferity.bump(INOUT n bigint)
LANGUAGE plpgsql AS $$
BEGIN
    n := n + 1;
END
$$;
