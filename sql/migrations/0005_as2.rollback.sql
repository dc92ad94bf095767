-- Rollback of 0005 AS2: drops persisted AS2 messages and MDNs. They are
-- non-repudiation evidence: export them first if they must be kept.

DROP TABLE xferity.as2_mdns;

DROP TABLE xferity.as2_messages;
