/**
 * @module The telemetry sink (V1-FR-ANA-001, V1-FR-ANA-003; issue #5: "a separate sink, not the
 * primary database, that KPI queries can read"): append-only NDJSON files, one per UTC day and
 * API process, under a configured directory. Events are queryable by user, job, name and time;
 * `funnelCounts` is the KPI read. An analytics pipeline (PostHog, a warehouse loader) can tail
 * the same files.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type StoredTelemetryEvent = {
  event_id: string;
  /** `client`: `POST /api/v1/telemetry/events`; `server`: lifecycle events of V1-FR-ANA-001. */
  source: 'client' | 'server';
  event_name: string;
  /** When it happened (client clock for client events). */
  timestamp: string;
  received_at: string;
  user_id: string | null;
  job_id: string | null;
  properties: Record<string, string | number | boolean | null>;
};

export type TelemetryQuery = {
  userId?: string;
  jobId?: string;
  eventName?: string;
  from?: Date;
  to?: Date;
};

export type TelemetrySink = {
  append(events: StoredTelemetryEvent[]): Promise<void>;
  query(q: TelemetryQuery): Promise<StoredTelemetryEvent[]>;
};

const DAY_FILE = /^events-(\d{4}-\d{2}-\d{2})-.+\.ndjson$/;
const day = (iso: string) => iso.slice(0, 10);

/** @example const sink = fileTelemetrySink('/var/lib/iama/telemetry'); */
export function fileTelemetrySink(dir: string): TelemetrySink {
  // One writer per file (this process) keeps lines whole without cross-process locking.
  const writer = `${process.pid}-${randomUUID().slice(0, 8)}`;
  let queue: Promise<void> = Promise.resolve();
  return {
    append(events) {
      if (events.length === 0) return Promise.resolve();
      const byDay = new Map<string, string>();
      for (const e of events)
        byDay.set(
          day(e.received_at),
          (byDay.get(day(e.received_at)) ?? '') + `${JSON.stringify(e)}\n`,
        );
      const write = async () => {
        await mkdir(dir, { recursive: true });
        for (const [d, text] of byDay)
          await appendFile(join(dir, `events-${d}-${writer}.ndjson`), text, {
            encoding: 'utf8',
            mode: 0o600,
          });
      };
      queue = queue.then(write, write);
      return queue;
    },
    async query(q) {
      await queue.catch(() => undefined);
      let files: string[];
      try {
        files = await readdir(dir);
      } catch {
        return [];
      }
      const fromDay = q.from ? q.from.toISOString().slice(0, 10) : null;
      const toDay = q.to ? q.to.toISOString().slice(0, 10) : null;
      const out: StoredTelemetryEvent[] = [];
      for (const f of files.sort()) {
        const m = DAY_FILE.exec(f);
        if (!m || (fromDay && m[1]! < fromDay) || (toDay && m[1]! > toDay)) continue;
        for (const line of (await readFile(join(dir, f), 'utf8')).split('\n')) {
          if (!line) continue;
          const e = JSON.parse(line) as StoredTelemetryEvent;
          if (q.userId && e.user_id !== q.userId) continue;
          if (q.jobId && e.job_id !== q.jobId) continue;
          if (q.eventName && e.event_name !== q.eventName) continue;
          const at = Date.parse(e.timestamp);
          if (q.from && at < q.from.getTime()) continue;
          if (q.to && at > q.to.getTime()) continue;
          out.push(e);
        }
      }
      return out.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    },
  };
}

/**
 * KPI read: events per name in a window, e.g. the proposal → spec → patch funnel.
 * @example await funnelCounts(sink, ['proposal_selected', 'patch_accepted'], { from, to })
 */
export async function funnelCounts(
  sink: TelemetrySink,
  steps: readonly string[],
  q: Omit<TelemetryQuery, 'eventName'> = {},
): Promise<Record<string, number>> {
  const events = await sink.query(q);
  const counts = Object.fromEntries(steps.map((s) => [s, 0])) as Record<string, number>;
  for (const e of events) if (e.event_name in counts) counts[e.event_name]! += 1;
  return counts;
}

/**
 * A server-side lifecycle event (V1-FR-ANA-001: `job_started`, `baseline_passed`,
 * `fallback_triggered`, `job_delivered`, …); properties are metadata the server chose.
 */
export function serverEvent(input: {
  eventName: string;
  userId: string | null;
  jobId: string | null;
  properties?: StoredTelemetryEvent['properties'];
  at?: Date;
}): StoredTelemetryEvent {
  const at = (input.at ?? new Date()).toISOString();
  return {
    event_id: randomUUID(),
    source: 'server',
    event_name: input.eventName,
    timestamp: at,
    received_at: at,
    user_id: input.userId,
    job_id: input.jobId,
    properties: input.properties ?? {},
  };
}
