-- 0001_core_v1 down: drops exactly the tables its up file created (their indexes and
-- constraints go with them), dependents first.
DROP TABLE quota_reservations;
DROP TABLE usage_ledger;
DROP TABLE subscription_tiers;
DROP TABLE oauth_accounts;
DROP TABLE users;
