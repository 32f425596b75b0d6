-- 0002_jobs_spec_test down: drops exactly the tables its up file created (their indexes and
-- constraints go with them), dependents first.
DROP TABLE patch_edit_operations;
DROP TABLE patch_attempts;
DROP TABLE test_runs;
DROP TABLE spec_revisions;
DROP TABLE sdd_items;
DROP TABLE bdd_items;
DROP TABLE job_artifacts;
DROP TABLE refactor_jobs;
DROP TABLE projects;
