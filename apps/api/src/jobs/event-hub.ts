/**
 * @module Wakes open job streams when their job gets a new event. One `LISTEN iama_job_events`
 * connection per API process (the `job_events` insert trigger notifies with the job id); while
 * that connection is down — or when no database URL was given — every subscriber is woken on a
 * short timer instead, so delivery stays within the contract's 2 s either way (V1-FR-OBS-002).
 * Subscribers re-read from their own cursor, so a spurious wake costs one indexed query.
 */
import type pg from 'pg';
import { connectClient } from '@iama/db';

export const JOB_EVENTS_CHANNEL = 'iama_job_events';

export type JobEventHubOptions = {
  /** Enables LISTEN/NOTIFY; without it the hub only polls. */
  databaseUrl?: string;
  /** Wake interval while notifications are unavailable. */
  pollMs?: number;
  /** Delay before re-connecting a lost listener. */
  reconnectMs?: number;
  onError?: (err: unknown) => void;
};

type Wake = () => void;

export class JobEventHub {
  private readonly subscribers = new Map<string, Set<Wake>>();
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly pollMs: number;
  private readonly reconnectMs: number;

  constructor(private readonly opts: JobEventHubOptions = {}) {
    this.pollMs = opts.pollMs ?? 500;
    this.reconnectMs = opts.reconnectMs ?? 1_000;
  }

  /** True while notifications arrive through LISTEN (otherwise the timer drives wake-ups). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    if (this.opts.databaseUrl) await this.listen().catch((err) => this.lost(err));
    else this.startPolling();
  }

  /** Registers `wake` for `jobId`; returns the unsubscribe function. */
  subscribe(jobId: string, wake: Wake): () => void {
    let set = this.subscribers.get(jobId);
    if (!set) this.subscribers.set(jobId, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0 && this.subscribers.get(jobId) === set) this.subscribers.delete(jobId);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.reconnect);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = await connectClient(this.opts.databaseUrl!);
    client.on('notification', (msg) => {
      if (msg.channel === JOB_EVENTS_CHANNEL && msg.payload) this.wake(msg.payload);
    });
    client.on('error', (err) => this.lost(err, client));
    client.on('end', () => this.lost(undefined, client));
    await client.query(`LISTEN ${JOB_EVENTS_CHANNEL}`);
    if (this.closed) return void (await client.end());
    this.client = client;
    this.stopPolling();
    // Anything committed while nobody was listening is picked up by one re-read each.
    this.wakeAll();
  }

  private lost(err: unknown, client?: pg.Client): void {
    if (client && client !== this.client) return;
    this.client = undefined;
    if (err !== undefined) this.opts.onError?.(err);
    void client?.end().catch(() => undefined);
    if (this.closed) return;
    this.startPolling();
    clearTimeout(this.reconnect);
    this.reconnect = setTimeout(
      () => void this.listen().catch((e) => this.lost(e)),
      this.reconnectMs,
    );
    this.reconnect.unref();
  }

  private startPolling(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.wakeAll(), this.pollMs);
    this.timer.unref();
  }

  private stopPolling(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private wake(jobId: string): void {
    for (const w of this.subscribers.get(jobId) ?? []) w();
  }

  private wakeAll(): void {
    for (const set of this.subscribers.values()) for (const w of set) w();
  }
}
