-- Rollback of 0006 posture snapshots: drops the snapshot history (trends
-- start again from the next hourly snapshot).

DROP FUNCTION xferity.prune_posture_snapshots(interval);

DROP TABLE xferity.posture_findings;

DROP TABLE xferity.posture_snapshots;
