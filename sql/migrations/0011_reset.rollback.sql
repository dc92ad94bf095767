-- Rollback of 0011 reset: removes the test/dev reset function. No data is
-- touched.

DROP FUNCTION xferity.reset_all_data();
