-- 0012_job_events: recorded addition (docs/db/ADDITIONS.md; API_CONTRACT §4 `GET /api/v1/jobs/:job_id/logs`,
-- V1-FR-OBS-002, V1-FR-OBS-003, V2-FR-WF-004, ARCHITECTURE D5). The durable log of a job's stream
-- events, so `Last-Event-ID` resumes across API restarts and replicas. `seq` is dense and ordered per
-- job: the BEFORE trigger takes a per-job transaction lock, so `seq` order is commit order and a
-- reader that has seen `seq = n` can never later meet a smaller one.
CREATE TABLE job_events (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id          UUID NOT NULL REFERENCES refactor_jobs(id),
    seq             INTEGER NOT NULL DEFAULT 0,
    event_type      TEXT NOT NULL,
    payload         JSONB NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE UNIQUE INDEX ON job_events (job_id, seq);

CREATE FUNCTION job_events_assign_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('job_events:' || NEW.job_id::text, 0));
    SELECT COALESCE(MAX(seq), 0) + 1 INTO NEW.seq FROM job_events WHERE job_id = NEW.job_id;
    RETURN NEW;
END $$;
CREATE TRIGGER job_events_assign_seq BEFORE INSERT ON job_events
    FOR EACH ROW EXECUTE FUNCTION job_events_assign_seq();

-- Wakes the API's stream listeners; the payload is only the job id (they read the rows).
CREATE FUNCTION job_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('iama_job_events', NEW.job_id::text);
    RETURN NULL;
END $$;
CREATE TRIGGER job_events_notify AFTER INSERT ON job_events
    FOR EACH ROW EXECUTE FUNCTION job_events_notify();

-- Every write of refactor_jobs.status (by whichever activity) becomes a `state_change` event in
-- the same transaction: no transition can reach the table without reaching the stream.
CREATE FUNCTION refactor_jobs_state_change_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO job_events (job_id, event_type, payload)
        VALUES (NEW.id, 'state_change', jsonb_build_object(
            'event', 'state_change',
            'state', NEW.status,
            'timestamp', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER refactor_jobs_state_change_event AFTER INSERT OR UPDATE OF status ON refactor_jobs
    FOR EACH ROW EXECUTE FUNCTION refactor_jobs_state_change_event();
