-- 0004_audit_payment_config_support_billing down: drops exactly the tables its up file created (their indexes and
-- constraints go with them), dependents first.
DROP TABLE billing_checkpoint_records;
DROP TABLE client_heartbeat_sessions;
DROP TABLE support_ticket_logs;
DROP TABLE dynamic_configs;
DROP TABLE payment_subscriptions;
DROP TABLE audit_events;
