-- 0012_job_events down: drops exactly what its up file created.
DROP TRIGGER refactor_jobs_state_change_event ON refactor_jobs;
DROP FUNCTION refactor_jobs_state_change_event();
DROP TABLE job_events;
DROP FUNCTION job_events_notify();
DROP FUNCTION job_events_assign_seq();
