/**
 * @module `audit_events` adapters of the router's {@link AuditSink} and {@link RouteRecordSink}
 * (DB_SCHEMA §6; PRD V1 §11 items 8 and the cap table; V1-FR-ROUTE-002 acceptance; ADR-002 action
 * items 3 and 9). Rows are `surface = 'SYSTEM'` (the worker acts), metadata in snake_case with
 * `model_class` on every routing event. Route records are `llm_call_routed` events carrying the
 * tokens, cache status and credits of the call and its ledger key — never prompt or code.
 */
import type { Kysely } from 'kysely';
import type { Database, JsonObject } from '@iama/db';
import { ledgerKey } from '../metering';
import type { AuditSink, RouteRecordSink } from '../ports';
import { snakeKeys } from './snake-keys';

/** `audit_events.event_type` of a per-call route record. */
export const ROUTE_RECORD_EVENT = 'llm_call_routed';

/**
 * @example await pgAudit(db).record({ eventType: 'llm_output_fail_closed', jobId, actorId, modelClass: 'L1', metadata: { family: 'test_plan' } })
 */
export function pgAudit(db: Kysely<Database>): AuditSink {
  return {
    async record(event) {
      await db
        .insertInto('audit_events')
        .values({
          event_type: event.eventType,
          job_id: event.jobId,
          actor_id: event.actorId,
          surface: 'SYSTEM',
          metadata: snakeKeys({ ...event.metadata, modelClass: event.modelClass }) as JsonObject,
        })
        .execute();
    },
  };
}

/**
 * @example createRouter({ …, records: pgRouteRecords(db) })
 */
export function pgRouteRecords(db: Kysely<Database>): RouteRecordSink {
  return async (record) => {
    const { jobId, ...rest } = record;
    await db
      .insertInto('audit_events')
      .values({
        event_type: ROUTE_RECORD_EVENT,
        job_id: jobId,
        new_state: record.outcome,
        surface: 'SYSTEM',
        metadata: snakeKeys({
          ...rest,
          ledgerKey: record.modelClass
            ? ledgerKey(jobId, record.modelClass, record.attemptNumber)
            : null,
        }) as JsonObject,
      })
      .execute();
  };
}
