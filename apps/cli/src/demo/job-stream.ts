/**
 * @module The job's SSE stream `GET /api/v1/jobs/:job_id/logs` (API_CONTRACT §4) as a growing,
 * validated event list plus "wake me on the next event" — what an IDE keeps open during a job.
 */
import { jobEventSchema, type JobEvent } from '@iama/contracts';

export type JobStream = {
  events: JobEvent[];
  /** Resolves on the next event (or when the stream ends). */
  next(): Promise<void>;
  close(): Promise<void>;
};

export async function openJobStream(
  url: string,
  headers: Record<string, string>,
): Promise<JobStream> {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers, signal: ctrl.signal });
  if (!res.ok || !res.body) throw new Error(`GET ${new URL(url).pathname} → ${res.status}`);
  const events: JobEvent[] = [];
  let waiters: (() => void)[] = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    w.forEach((f) => f());
  };
  let ended = false;
  const pump = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let sep: number;
        while ((sep = buffer.indexOf('\n\n')) >= 0) {
          const data = buffer
            .slice(0, sep)
            .split('\n')
            .find((l) => l.startsWith('data: '));
          buffer = buffer.slice(sep + 2);
          if (data) events.push(jobEventSchema.parse(JSON.parse(data.slice(6))));
        }
        wake();
      }
    } catch (err) {
      if (!ctrl.signal.aborted) throw err;
    } finally {
      ended = true;
      wake();
    }
  })();
  return {
    events,
    next: () =>
      ended
        ? Promise.reject(new Error('the job stream ended'))
        : new Promise<void>((r) => waiters.push(r)),
    async close() {
      ctrl.abort();
      await pump.catch(() => undefined);
    },
  };
}
