/**
 * @module What every job route receives: the app's dependencies plus the stream hub and the
 * stream/workflow settings (ARCHITECTURE D3: policy durations come from configuration).
 */
import type { ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { JobEventHub } from '../../jobs/event-hub';

export type JobRoutesOptions = {
  /** Enables LISTEN/NOTIFY for the live stream; without it the stream polls. */
  databaseUrl?: string;
  /** Keep-alive comment interval of the stream (default 15 s). */
  keepAliveMs?: number;
  /** Wake interval of the stream while LISTEN is unavailable (default 500 ms). */
  pollMs?: number;
  /** Policy overrides handed to every new job's workflow (tests shrink durations). */
  workflowPolicy?: Record<string, number | null>;
};

export type JobRouteContext = {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  hub: JobEventHub;
  keepAliveMs: number;
  /** Open streams, ended when the app closes (an SSE response never ends by itself). */
  streams: Set<ServerResponse>;
  workflowPolicy?: Record<string, number | null>;
};
