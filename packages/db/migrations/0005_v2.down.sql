-- 0005_v2 down: drops exactly the tables its up file created (their indexes and
-- constraints go with them), dependents first.
DROP TABLE merge_assist_records;
DROP TABLE rebase_validation_records;
DROP TABLE delivery_policy_snapshots;
DROP TABLE remote_diff_sync_records;
DROP TABLE premium_usage_ledger;
DROP TABLE billing_subject_snapshots;
DROP TABLE audit_export_jobs;
DROP TABLE data_erasure_requests;
DROP TABLE entitlement_snapshots;
DROP TABLE repo_sync_scratch_records;
DROP TABLE dependency_cache_index;
DROP TABLE secure_wipe_evidence;
DROP TABLE remote_execution_sessions;
DROP TABLE code_provenance_records;
DROP TABLE github_revocation_events;
DROP TABLE branch_head_snapshots;
DROP TABLE repository_workspaces;
DROP TABLE repository_connections;
DROP TABLE organization_wallets;
DROP TABLE team_member_roles;
DROP TABLE teams;
DROP TABLE organizations;
