-- Rollback of 0008 suppressions: drops every suppression; all findings
-- show again in the next posture snapshot.

DROP FUNCTION xferity.is_finding_suppressed(text, text, text, text, text, timestamptz);

DROP TABLE xferity.suppressions;
