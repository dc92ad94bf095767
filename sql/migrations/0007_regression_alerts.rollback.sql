-- Rollback of 0007 regression alerts: drops alert history, open alerts
-- included.

DROP FUNCTION xferity.record_regressions(bigint, bigint);

DROP TABLE xferity.regression_alerts;
