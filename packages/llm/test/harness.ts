/**
 * @module Shared set-up of the router tests: the fixture model behind the real LiteLLM Proxy
 * (`useModelProxy`), a router wired to it with fast retries, and a view of the fixture's request
 * log filtered by a per-test marker.
 */
import { randomUUID } from 'node:crypto';
import { fixtureRoutes } from '@iama/devstack/litellm';
import type { ModelProxy } from '@iama/devstack/model-proxy';
import type { RecordedRequest } from '@iama/fixture-model';
import { createRouter, envSecrets, type EntitlementSnapshot, type IamaRouter, type RouterOptions } from '../src/index';
import { MemoryAudit, MemoryLedger, MutableRoutes, RecordLog } from './memory-ports';

export const CONFIRMATION_KEY = 'test-confirmation-key';

export type Rig = {
  router: IamaRouter;
  ledger: MemoryLedger;
  audit: MemoryAudit;
  log: RecordLog;
  routes: MutableRoutes;
};

export function rig(models: ModelProxy, overrides: Partial<RouterOptions> = {}): Rig {
  const ledger = new MemoryLedger();
  const audit = new MemoryAudit();
  const log = new RecordLog();
  const routes = new MutableRoutes(fixtureRoutes(models.fixtureUrl));
  const router = createRouter({
    proxyUrl: models.proxyUrl,
    secrets: envSecrets(),
    routes,
    ledger,
    audit,
    records: log.sink,
    confirmationKey: CONFIRMATION_KEY,
    retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
    ...overrides,
  });
  return { router, ledger, audit, log, routes };
}

export function snapshot(tier: EntitlementSnapshot['tier'], extra: Partial<EntitlementSnapshot> = {}): EntitlementSnapshot {
  const phases = tier === 'FREE' ? [1] : tier === 'PLUS' || tier === 'PRO' ? [1, 2] : [1, 2, 3];
  const mode = tier === 'FREE' || tier === 'PLUS' ? 'SIMPLE' : tier === 'ENTERPRISE' ? 'ENTERPRISE' : 'PROFESSIONAL';
  const cap = tier === 'ENTERPRISE' ? 1_000_000 : tier === 'PRO' || tier === 'MAX' ? 200_000 : 128_000;
  return { jobId: randomUUID(), userId: randomUUID(), tier, operatingMode: mode, phases: phases as EntitlementSnapshot['phases'], contextCap: cap, ...extra };
}

/** The fixture's requests whose body contains `marker`. */
export async function upstream(models: ModelProxy, marker: string): Promise<RecordedRequest[]> {
  const all = (await (await fetch(`${models.fixtureUrl}/fixture/requests`)).json()) as RecordedRequest[];
  return all.filter((r) => JSON.stringify(r.body).includes(marker));
}

export const marker = () => `marker-${randomUUID()}`;
