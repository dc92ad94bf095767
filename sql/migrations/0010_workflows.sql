-- 0010 workflows: persistence for Xferity's workflow engine.
--
-- Multi-step flows run on a workflow engine whose durable state follows
-- wfe-postgres (schema wfc there): instances, execution pointers, events,
-- event subscriptions, scheduled commands and an error log. The
-- subscription lock is a compare-and-set on external_token, exposed as
-- SQL functions so every engine (Go, Rust, Python) gets the same semantics:
-- take only where no unexpired token holds the row, release only with the
-- holder's token. Lock expiry uses the database clock, never the caller's.

CREATE TABLE xferity.workflow_instances (
    workflow_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    definition_id text NOT NULL,
    version integer NOT NULL,
    description text,
    reference text,
    status text NOT NULL DEFAULT 'runnable',
    data jsonb NOT NULL DEFAULT '{}',
    next_execution timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    CONSTRAINT workflow_instances_definition_id_check CHECK (definition_id <> ''),
    CONSTRAINT workflow_instances_version_check CHECK (version >= 1),
    CONSTRAINT workflow_instances_status_check CHECK (
        status IN ('runnable', 'suspended', 'complete', 'terminated')
    ),
    CONSTRAINT workflow_instances_completed_at_check CHECK (
        (status = 'complete' AND completed_at IS NOT NULL)
        OR (status = 'terminated')
        OR (status IN ('runnable', 'suspended') AND completed_at IS NULL)
    ),
    CONSTRAINT workflow_instances_completed_after_created_check CHECK (
        completed_at >= created_at
    )
);

COMMENT ON TABLE xferity.workflow_instances IS
'Workflow instances of the workflow engine (wfe-postgres: wfc.workflows).';
COMMENT ON COLUMN xferity.workflow_instances.workflow_id IS 'Workflow instance id.';
COMMENT ON COLUMN xferity.workflow_instances.definition_id IS 'Id of the workflow definition.';
COMMENT ON COLUMN xferity.workflow_instances.version IS 'Version of the workflow definition.';
COMMENT ON COLUMN xferity.workflow_instances.description IS 'Free-text description.';
COMMENT ON COLUMN xferity.workflow_instances.reference IS
'Caller-supplied reference, e.g. the flow run id that started it.';
COMMENT ON COLUMN xferity.workflow_instances.status IS
'runnable, suspended, complete or terminated.';
COMMENT ON COLUMN xferity.workflow_instances.data IS 'Workflow data, JSON.';
COMMENT ON COLUMN xferity.workflow_instances.next_execution IS
'When the instance is next due for execution; NULL when nothing is scheduled.';
COMMENT ON COLUMN xferity.workflow_instances.created_at IS 'When the instance was created.';
COMMENT ON COLUMN xferity.workflow_instances.completed_at IS
'When the instance completed or was terminated; required for complete.';

-- The engine polls `status = 'runnable' AND next_execution <= now()`.
CREATE INDEX workflow_instances_next_execution_idx
ON xferity.workflow_instances (next_execution)
WHERE status = 'runnable';

CREATE INDEX workflow_instances_status_idx ON xferity.workflow_instances (status);

CREATE TABLE xferity.workflow_execution_pointers (
    pointer_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workflow_id uuid NOT NULL
    REFERENCES xferity.workflow_instances (workflow_id) ON DELETE CASCADE,
    step_id integer NOT NULL,
    step_name text,
    active boolean NOT NULL DEFAULT TRUE,
    status text NOT NULL DEFAULT 'pending',
    sleep_until timestamptz,
    persistence_data jsonb,
    started_at timestamptz,
    ended_at timestamptz,
    event_name text,
    event_key text,
    event_published boolean NOT NULL DEFAULT FALSE,
    event_data jsonb,
    retry_count integer NOT NULL DEFAULT 0,
    children jsonb NOT NULL DEFAULT '[]',
    context_item jsonb,
    predecessor_id uuid
    REFERENCES xferity.workflow_execution_pointers (pointer_id) ON DELETE SET NULL,
    outcome jsonb,
    scope jsonb NOT NULL DEFAULT '[]',
    extension_attributes jsonb NOT NULL DEFAULT '{}',
    CONSTRAINT workflow_execution_pointers_step_id_check CHECK (step_id >= 0),
    CONSTRAINT workflow_execution_pointers_status_check CHECK (
        status IN (
            'pending',
            'pending_predecessor',
            'running',
            'sleeping',
            'waiting_for_event',
            'complete',
            'failed',
            'compensated',
            'cancelled'
        )
    ),
    CONSTRAINT workflow_execution_pointers_event_check CHECK (
        event_key IS NULL OR event_name IS NOT NULL
    ),
    CONSTRAINT workflow_execution_pointers_retry_count_check CHECK (retry_count >= 0),
    CONSTRAINT workflow_execution_pointers_children_check CHECK (
        jsonb_typeof(children) = 'array'
    ),
    CONSTRAINT workflow_execution_pointers_scope_check CHECK (jsonb_typeof(scope) = 'array'),
    CONSTRAINT workflow_execution_pointers_extension_attributes_check CHECK (
        jsonb_typeof(extension_attributes) = 'object'
    ),
    CONSTRAINT workflow_execution_pointers_ended_at_check CHECK (ended_at >= started_at)
);

COMMENT ON TABLE xferity.workflow_execution_pointers IS
'Step state of a workflow instance (wfe-postgres: wfc.execution_pointers). Deleted with the instance.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.pointer_id IS 'Execution pointer id.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.workflow_id IS 'Owning workflow instance.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.step_id IS
'Index of the step in the workflow definition.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.step_name IS 'Name of the step, if named.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.active IS
'Whether the pointer is still to be executed.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.status IS
'pending, pending_predecessor, running, sleeping, waiting_for_event, complete, failed, compensated or cancelled.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.sleep_until IS
'Do not execute before this time (sleeping steps and retry back-off).';
COMMENT ON COLUMN xferity.workflow_execution_pointers.persistence_data IS
'Step-private state persisted between executions.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.started_at IS 'When the step started.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.ended_at IS 'When the step ended.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.event_name IS
'Name of the event the step waits on.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.event_key IS
'Key of the event the step waits on.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.event_published IS
'Whether the awaited event has been delivered to the step.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.event_data IS 'Data of the delivered event.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.retry_count IS
'How many times the step was retried.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.children IS
'JSON array of child pointer ids (parallel and loop branches).';
COMMENT ON COLUMN xferity.workflow_execution_pointers.context_item IS
'Item of the enclosing foreach this branch handles.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.predecessor_id IS
'Pointer that preceded this one; NULL once that pointer is deleted.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.outcome IS
'Outcome value the step returned, used to choose the next step.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.scope IS
'JSON array of enclosing container pointer ids, innermost first.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.extension_attributes IS
'JSON object of engine extension attributes.';

CREATE INDEX workflow_execution_pointers_workflow_id_idx
ON xferity.workflow_execution_pointers (workflow_id);

CREATE INDEX workflow_execution_pointers_predecessor_id_idx
ON xferity.workflow_execution_pointers (predecessor_id);

CREATE TABLE xferity.workflow_events (
    event_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_name text NOT NULL,
    event_key text NOT NULL,
    event_data jsonb NOT NULL DEFAULT 'null',
    event_time timestamptz NOT NULL DEFAULT now(),
    is_processed boolean NOT NULL DEFAULT FALSE,
    CONSTRAINT workflow_events_event_name_check CHECK (event_name <> '')
);

COMMENT ON TABLE xferity.workflow_events IS
'Events published to the workflow engine (wfe-postgres: wfc.events).';
COMMENT ON COLUMN xferity.workflow_events.event_id IS 'Event id.';
COMMENT ON COLUMN xferity.workflow_events.event_name IS 'Event name, e.g. as2.mdn_received.';
COMMENT ON COLUMN xferity.workflow_events.event_key IS
'Event key that subscriptions match on, e.g. an AS2 message id.';
COMMENT ON COLUMN xferity.workflow_events.event_data IS 'Event payload, JSON (null if none).';
COMMENT ON COLUMN xferity.workflow_events.event_time IS 'When the event happened.';
COMMENT ON COLUMN xferity.workflow_events.is_processed IS
'Whether the event has been delivered to its subscribers.';

CREATE INDEX workflow_events_event_name_event_key_idx
ON xferity.workflow_events (event_name, event_key, event_time);

-- Unprocessed events are the engine's work list; processed ones leave it.
CREATE INDEX workflow_events_unprocessed_idx
ON xferity.workflow_events (event_time)
WHERE NOT is_processed;

CREATE INDEX workflow_events_event_time_idx ON xferity.workflow_events (event_time);

CREATE TABLE xferity.workflow_event_subscriptions (
    subscription_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workflow_id uuid NOT NULL
    REFERENCES xferity.workflow_instances (workflow_id) ON DELETE CASCADE,
    step_id integer NOT NULL,
    execution_pointer_id uuid NOT NULL
    REFERENCES xferity.workflow_execution_pointers (pointer_id) ON DELETE CASCADE,
    event_name text NOT NULL,
    event_key text NOT NULL,
    subscribe_as_of timestamptz NOT NULL,
    subscription_data jsonb,
    -- lint: allow plaintext-secret reason: a lock holder's id for compare-and-set, no credential
    external_token text,
    external_worker_id text,
    external_token_expiry timestamptz,
    CONSTRAINT workflow_event_subscriptions_step_id_check CHECK (step_id >= 0),
    CONSTRAINT workflow_event_subscriptions_token_check CHECK (
        (external_token IS NULL) = (external_token_expiry IS NULL)
        AND (external_token IS NOT NULL OR external_worker_id IS NULL)
        AND external_token <> ''
    )
);

COMMENT ON TABLE xferity.workflow_event_subscriptions IS
'Steps waiting for an event (wfe-postgres: wfc.event_subscriptions). A worker delivering an event takes the row with xferity.take_subscription_lock() and gives it back with xferity.release_subscription_lock().';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.subscription_id IS 'Subscription id.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.workflow_id IS 'Waiting workflow instance.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.step_id IS 'Waiting step (definition index).';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.execution_pointer_id IS
'Waiting execution pointer.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.event_name IS 'Event name awaited.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.event_key IS 'Event key awaited.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.subscribe_as_of IS
'Only events at or after this time satisfy the subscription.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.subscription_data IS
'Engine data attached to the subscription.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.external_token IS
'Lock token of the worker currently holding the subscription; NULL when free.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.external_worker_id IS
'Worker holding the lock, for diagnostics.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.external_token_expiry IS
'When the lock lapses and another worker may take it; set exactly when external_token is.';

CREATE INDEX workflow_event_subscriptions_event_name_event_key_idx
ON xferity.workflow_event_subscriptions (event_name, event_key);

CREATE INDEX workflow_event_subscriptions_workflow_id_idx
ON xferity.workflow_event_subscriptions (workflow_id);

CREATE INDEX workflow_event_subscriptions_execution_pointer_id_idx
ON xferity.workflow_event_subscriptions (execution_pointer_id);

CREATE FUNCTION xferity.take_subscription_lock(
    subscription_id uuid,
    token text,
    worker_id text,
    lease interval
)
RETURNS boolean
LANGUAGE plpgsql
AS $$
BEGIN
    IF token IS NULL OR token = '' THEN
        RAISE EXCEPTION 'token must be a non-empty string'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF lease IS NULL OR lease <= interval '0' THEN
        RAISE EXCEPTION 'lease must be a positive interval, got %', lease
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Compare-and-set: under READ COMMITTED a concurrent taker blocks on the
    -- row lock and re-checks this WHERE against the winner's row, so it
    -- finds the fresh token and updates nothing.
    UPDATE xferity.workflow_event_subscriptions AS s
    SET
        external_token = take_subscription_lock.token,
        external_worker_id = take_subscription_lock.worker_id,
        external_token_expiry = clock_timestamp() + take_subscription_lock.lease
    WHERE
        s.subscription_id = take_subscription_lock.subscription_id
        AND (s.external_token IS NULL OR s.external_token_expiry <= clock_timestamp());
    RETURN FOUND;
END;
$$;

COMMENT ON FUNCTION xferity.take_subscription_lock(uuid, text, text, interval) IS
'Compare-and-set lock on an event subscription: sets token (held for lease) only if no unexpired token holds the row. True if taken, false if held by someone else or the subscription does not exist. Raises 22023 for an empty token or a non-positive lease.';

CREATE FUNCTION xferity.release_subscription_lock(subscription_id uuid, token text)
RETURNS boolean
LANGUAGE sql
AS $$
    WITH released AS (
        UPDATE xferity.workflow_event_subscriptions AS s
        SET
            external_token = NULL,
            external_worker_id = NULL,
            external_token_expiry = NULL
        WHERE
            s.subscription_id = release_subscription_lock.subscription_id
            AND s.external_token = release_subscription_lock.token
        RETURNING 1
    )

    SELECT EXISTS (SELECT 1 FROM released)
$$;

COMMENT ON FUNCTION xferity.release_subscription_lock(uuid, text) IS
'Releases the subscription lock only if token is the holder''s token. True if released; false (and nothing changes) for any other token.';

CREATE TABLE xferity.workflow_scheduled_commands (
    command_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    command_name text NOT NULL,
    data text NOT NULL,
    execute_time timestamptz NOT NULL,
    CONSTRAINT workflow_scheduled_commands_command_name_data_key UNIQUE (command_name, data),
    CONSTRAINT workflow_scheduled_commands_command_name_check CHECK (command_name <> '')
);

COMMENT ON TABLE xferity.workflow_scheduled_commands IS
'Deferred engine commands (wfe-postgres: wfc.scheduled_commands), unique on (command_name, data); xferity.schedule_command() upserts the execute time.';
COMMENT ON COLUMN xferity.workflow_scheduled_commands.command_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.workflow_scheduled_commands.command_name IS
'Command to run, e.g. ProcessWorkflow or ProcessEvent.';
COMMENT ON COLUMN xferity.workflow_scheduled_commands.data IS
'Command argument, e.g. a workflow or event id.';
COMMENT ON COLUMN xferity.workflow_scheduled_commands.execute_time IS
'When the command is due.';

CREATE INDEX workflow_scheduled_commands_execute_time_idx
ON xferity.workflow_scheduled_commands (execute_time);

CREATE FUNCTION xferity.schedule_command(command_name text, data text, execute_time timestamptz)
RETURNS bigint
LANGUAGE sql
AS $$
    INSERT INTO xferity.workflow_scheduled_commands AS c (command_name, data, execute_time)
    VALUES (
        schedule_command.command_name,
        schedule_command.data,
        schedule_command.execute_time
    )
    ON CONFLICT (command_name, data)
    DO UPDATE SET execute_time = excluded.execute_time
    RETURNING c.command_id
$$;

COMMENT ON FUNCTION xferity.schedule_command(text, text, timestamptz) IS
'Schedules command_name(data) at execute_time; if that command is already scheduled, moves it to the new execute_time. Returns the command_id.';

CREATE TABLE xferity.workflow_execution_errors (
    error_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    error_time timestamptz NOT NULL DEFAULT now(),
    workflow_id uuid NOT NULL
    REFERENCES xferity.workflow_instances (workflow_id) ON DELETE CASCADE,
    execution_pointer_id uuid
    REFERENCES xferity.workflow_execution_pointers (pointer_id) ON DELETE SET NULL,
    message text NOT NULL
);

COMMENT ON TABLE xferity.workflow_execution_errors IS
'Step execution errors (wfe-postgres: wfc.execution_errors). Deleted with the workflow instance.';
COMMENT ON COLUMN xferity.workflow_execution_errors.error_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.workflow_execution_errors.error_time IS 'When the error occurred.';
COMMENT ON COLUMN xferity.workflow_execution_errors.workflow_id IS 'Workflow instance that failed.';
COMMENT ON COLUMN xferity.workflow_execution_errors.execution_pointer_id IS
'Pointer (step) that failed; NULL if the error was not step-specific or the pointer was deleted.';
COMMENT ON COLUMN xferity.workflow_execution_errors.message IS 'Error message.';

CREATE INDEX workflow_execution_errors_workflow_id_idx
ON xferity.workflow_execution_errors (workflow_id);

CREATE INDEX workflow_execution_errors_execution_pointer_id_idx
ON xferity.workflow_execution_errors (execution_pointer_id);
