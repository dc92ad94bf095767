-- Demo data for 0010 workflows: an outbound AS2 workflow waiting for its
-- async MDN (a locked event subscription), a completed inbound workflow,
-- the events between them, scheduled commands and one retried step error.

INSERT INTO xferity.workflow_instances (
    workflow_id, definition_id, version, description, reference, status, data,
    next_execution, created_at, completed_at
)
VALUES
(
    '5c1d8e2a-0f3b-4a6c-8d9e-7b1a2c3d4e01', 'as2-outbound-with-mdn', 3,
    'Send INVOIC-55012 to Initech and wait for the async MDN',
    'corr-20250602-100500-initech', 'runnable',
    '{"partner_id": "initech", "file": "INVOIC-55012.edi", "mdn_mode": "async"}',
    '2025-06-02 10:35:00+00', '2025-06-02 10:05:00+00', NULL
),
(
    '5c1d8e2a-0f3b-4a6c-8d9e-7b1a2c3d4e02', 'as2-inbound-dispatch', 1,
    'Dispatch PO-88231 from Initech to the ERP drop folder',
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d03', 'complete',
    '{"partner_id": "initech", "file": "PO-88231.edi", "target": "erp-drop"}',
    NULL, '2025-06-02 08:30:12+00', '2025-06-02 08:30:14+00'
);

INSERT INTO xferity.workflow_execution_pointers (
    pointer_id, workflow_id, step_id, step_name, active, status, sleep_until,
    persistence_data, started_at, ended_at, event_name, event_key, event_published,
    event_data, retry_count, children, context_item, predecessor_id, outcome, scope,
    extension_attributes
)
VALUES
(
    '6d2e9f3b-1a4c-4b7d-9eaf-8c2b3d4e5f01', '5c1d8e2a-0f3b-4a6c-8d9e-7b1a2c3d4e01',
    0, 'send_message', FALSE, 'complete', NULL, NULL,
    '2025-06-02 10:05:00+00', '2025-06-02 10:05:02+00', NULL, NULL, FALSE, NULL, 1,
    '[]', NULL, NULL, '"sent"', '[]', '{}'
),
(
    '6d2e9f3b-1a4c-4b7d-9eaf-8c2b3d4e5f02', '5c1d8e2a-0f3b-4a6c-8d9e-7b1a2c3d4e01',
    1, 'await_mdn', TRUE, 'waiting_for_event', NULL, '{"timeout_at": "2025-06-02T10:35:00Z"}',
    '2025-06-02 10:05:02+00', NULL, 'as2.mdn_received', '20250602100500.18@mft.example.com',
    FALSE, NULL, 0, '[]', NULL, '6d2e9f3b-1a4c-4b7d-9eaf-8c2b3d4e5f01', NULL, '[]',
    '{"timeout": "30m"}'
),
(
    '6d2e9f3b-1a4c-4b7d-9eaf-8c2b3d4e5f03', '5c1d8e2a-0f3b-4a6c-8d9e-7b1a2c3d4e02',
    0, 'dispatch_to_erp', FALSE, 'complete', NULL, NULL,
    '2025-06-02 08:30:13+00', '2025-06-02 08:30:14+00', 'as2.message_received',
    '20250602083012.4411@as2.initech.example', TRUE,
    '{"as2_message_id": "20250602083012.4411@as2.initech.example"}', 0,
    '[]', NULL, NULL, '"dispatched"', '[]', '{}'
);

INSERT INTO xferity.workflow_events (
    event_id, event_name, event_key, event_data, event_time, is_processed
)
VALUES
(
    '7e3fa04c-2b5d-4c8e-afb0-9d3c4e5f6a01', 'as2.message_received',
    '20250602083012.4411@as2.initech.example',
    '{"partner_id": "initech", "filename": "PO-88231.edi", "size_bytes": 9314}',
    '2025-06-02 08:30:12+00', TRUE
),
(
    '7e3fa04c-2b5d-4c8e-afb0-9d3c4e5f6a02', 'as2.mdn_received',
    '20250602084500.17@mft.example.com',
    '{"outcome": "processed", "signature_verified": true}',
    '2025-06-02 08:46:29+00', TRUE
),
(
    '7e3fa04c-2b5d-4c8e-afb0-9d3c4e5f6a03', 'flow.run_committed',
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d02',
    '{"flow_name": "globex-statements-inbound", "files": 1}',
    '2025-06-02 08:15:40+00', FALSE
);

INSERT INTO xferity.workflow_event_subscriptions (
    subscription_id, workflow_id, step_id, execution_pointer_id, event_name, event_key,
    subscribe_as_of, subscription_data, external_token, external_worker_id,
    external_token_expiry
)
VALUES
(
    '8f40b15d-3c6e-4d9f-b0c1-ae4d5f6a7b01', '5c1d8e2a-0f3b-4a6c-8d9e-7b1a2c3d4e01', 1,
    '6d2e9f3b-1a4c-4b7d-9eaf-8c2b3d4e5f02', 'as2.mdn_received',
    '20250602100500.18@mft.example.com', '2025-06-02 10:05:02+00',
    '{"expect_mic": "Zx8cV7bN6mQ5wE4rT3yU2iO1pA0sD9fG8hJ7kL6zX5c="}',
    'tok-3f9a1c7e5b2d4086', 'worker-mft-02:4711', '2025-06-02 10:06:02+00'
);

INSERT INTO xferity.workflow_scheduled_commands (command_name, data, execute_time)
VALUES
('ProcessWorkflow', '5c1d8e2a-0f3b-4a6c-8d9e-7b1a2c3d4e01', '2025-06-02 10:35:00+00'),
('ProcessEvent', '7e3fa04c-2b5d-4c8e-afb0-9d3c4e5f6a03', '2025-06-02 08:15:41+00');

INSERT INTO xferity.workflow_execution_errors (
    error_time, workflow_id, execution_pointer_id, message
)
VALUES
(
    '2025-06-02 10:05:01+00', '5c1d8e2a-0f3b-4a6c-8d9e-7b1a2c3d4e01',
    '6d2e9f3b-1a4c-4b7d-9eaf-8c2b3d4e5f01',
    'POST https://as2.initech.example/as2: 503 Service Unavailable (will retry)'
);
