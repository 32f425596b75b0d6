/**
 * @module Serves one job's event log as server-sent events on a raw HTTP response: replays every
 * event after the client's cursor (`Last-Event-ID`), then follows the log as the hub wakes it.
 * Each event is `id: <seq>` + one `data:` line holding the contract payload (API_CONTRACT §4),
 * so a reconnecting client resumes exactly after the last event it saw, on any API instance.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { readJobEvents } from './event-store';
import type { JobEventHub } from './event-hub';

export type JobStreamOptions = {
  db: Kysely<Database>;
  hub: JobEventHub;
  jobId: string;
  /** Highest `seq` the client already has (0: from the beginning). */
  afterSeq: number;
  /** Comment lines that keep proxies from closing an idle stream. */
  keepAliveMs: number;
  /** Reconnection delay suggested to the client (`retry:`). */
  retryMs: number;
  headers?: Record<string, string>;
  onError: (err: unknown) => void;
};

const PAGE = 500;

/** Parses `Last-Event-ID`: absent → 0; otherwise a non-negative integer or `null` (invalid). */
export function parseLastEventId(value: string | string[] | undefined): number | null {
  if (value === undefined) return 0;
  if (Array.isArray(value) || !/^\d{1,10}$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) && n <= 2 ** 31 - 1 ? n : null;
}

/** Starts streaming; resolves when the client has gone. */
export function serveJobStream(raw: ServerResponse, opts: JobStreamOptions): Promise<void> {
  raw.writeHead(200, {
    ...opts.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Reverse proxies (nginx) would otherwise buffer the stream.
    'x-accel-buffering': 'no',
  });
  raw.write(`retry: ${opts.retryMs}\n\n`);

  let cursor = opts.afterSeq;
  let reading = false;
  let again = false;
  let closed = false;

  const write = async (chunk: string) => {
    if (!raw.write(chunk) && !closed) await Promise.race([once(raw, 'drain'), once(raw, 'close')]);
  };

  // One reader at a time; a wake during a read schedules exactly one more pass.
  const pump = async (): Promise<void> => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        for (;;) {
          const batch = await readJobEvents(opts.db, opts.jobId, cursor, PAGE);
          for (const e of batch) {
            if (closed) return;
            await write(`id: ${e.seq}\ndata: ${JSON.stringify(e.event)}\n\n`);
            cursor = e.seq;
          }
          if (batch.length < PAGE || closed) break;
        }
      } while (again && !closed);
    } catch (err) {
      if (!closed) opts.onError(err);
    } finally {
      reading = false;
    }
  };

  const unsubscribe = opts.hub.subscribe(opts.jobId, () => void pump());
  const keepAlive = setInterval(() => {
    if (!closed) raw.write(': keep-alive\n\n');
  }, opts.keepAliveMs);

  return new Promise((resolve) => {
    raw.on('close', () => {
      closed = true;
      clearInterval(keepAlive);
      unsubscribe();
      resolve();
    });
    void pump();
  });
}
