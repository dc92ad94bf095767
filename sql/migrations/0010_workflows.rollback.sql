-- Rollback of 0010 workflows: drops all workflow engine state. Running
-- workflows are lost; stop the engine first.

DROP TABLE xferity.workflow_execution_errors;

DROP FUNCTION xferity.schedule_command(text, text, timestamptz);

DROP TABLE xferity.workflow_scheduled_commands;

DROP FUNCTION xferity.release_subscription_lock(uuid, text);

DROP FUNCTION xferity.take_subscription_lock(uuid, text, text, interval);

DROP TABLE xferity.workflow_event_subscriptions;

DROP TABLE xferity.workflow_events;

DROP TABLE xferity.workflow_execution_pointers;

DROP TABLE xferity.workflow_instances;
