/**
 * @module `iama demo`: the README's first command. Until the refactor loop lands (issue #6) it
 * proves the wiring end to end: API → Temporal workflow → worker activity → PostgreSQL → API.
 */
import { startStack } from '@iama/devstack';
import { stackOptionsOf, type StackCommandOptions } from './stack-options';

export async function runDemo(opts: StackCommandOptions): Promise<void> {
  console.log('IAMA demo: starting the embedded stack');
  const stack = await startStack(stackOptionsOf(opts));
  try {
    const api = stack.apiUrl!;
    console.log('\n[1/2] POST /health/probe  (the API starts healthProbeWorkflow; its activity writes audit_events)');
    const created = await fetchJson(`${api}/health/probe`, { method: 'POST' });
    console.log(`      workflow done: probe ${created.probe_id} → audit event ${created.audit_event_id}`);
    console.log('[2/2] GET /health/probe/:probe_id  (the API reads the row back from PostgreSQL)');
    const read = await fetchJson(`${api}/health/probe/${created.probe_id}`);
    if (read.audit_event_id !== created.audit_event_id) throw new Error('the probe read back does not match the one written');
    console.log(`      read back: audit event ${read.audit_event_id} recorded at ${read.recorded_at}`);
    console.log('\nDemo complete: API, Temporal, worker and PostgreSQL are wired.');
  } finally {
    await stack.stop();
  }
}

async function fetchJson(url: string, init?: RequestInit): Promise<Record<string, string>> {
  const res = await fetch(url, init);
  const body = (await res.json()) as Record<string, string>;
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${new URL(url).pathname} → ${res.status} ${body.error_code ?? ''}`);
  return body;
}
