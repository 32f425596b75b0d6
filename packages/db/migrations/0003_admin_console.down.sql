-- 0003_admin_console down: drops exactly the tables its up file created (their indexes and
-- constraints go with them), dependents first.
DROP TABLE admin_sessions;
DROP TABLE admin_accounts;
