-- 0006_refresh_tokens down: drops exactly the tables its up file created (their indexes and
-- constraints go with them), dependents first.
DROP TABLE refresh_tokens;
