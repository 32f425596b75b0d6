-- 0010_test_run_requests: addition (docs/db/ADDITIONS.md; ARCHITECTURE D5). A local test run the
-- workflow is waiting for: the Temporal task token of the async `runTests` activity. The token never
-- leaves the server; the client names its run by `test_run_id` (the `test_requested` event).
CREATE TABLE test_run_requests (
    test_run_id     UUID PRIMARY KEY REFERENCES test_runs(id),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    task_token      BYTEA NOT NULL,
    requested_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    reported_at     TIMESTAMPTZ
);
CREATE INDEX ON test_run_requests (job_id);
