-- 0010_test_run_requests: drops exactly what the up migration created.
DROP TABLE test_run_requests;
