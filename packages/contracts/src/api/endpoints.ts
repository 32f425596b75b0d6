/**
 * @module `ENDPOINTS`: every route of API_CONTRACT §2-§11 plus the recorded additions of
 * docs/api/ADDITIONS.md, in contract order. The API registers routes from it, the OpenAPI
 * document is generated from it, and the contract test compares it with the contract headings.
 */
import { adminEndpoints } from './admin';
import { authEndpoints } from './auth';
import { billingEndpoints } from './billing';
import type { Endpoint, HttpMethod } from './endpoint';
import { jobDeliveryEndpoints } from './jobs-delivery';
import { jobLogsEndpoints } from './jobs-logs';
import { jobSpecEndpoints } from './jobs-spec';
import { jobTestReportEndpoints } from './jobs-test-report';
import { jobActionEndpoints } from './jobs-actions';
import { jobEndpoints } from './jobs';
import { subscriptionEndpoints } from './subscription';
import { supportEndpoints } from './support';
import { telemetryEndpoints } from './telemetry';
import { v2ComplianceEndpoints } from './v2-compliance';
import { v2GithubEndpoints } from './v2-github';
import { v2RemoteEndpoints } from './v2-remote';

export const ENDPOINTS: readonly Endpoint[] = [
  ...authEndpoints,
  ...subscriptionEndpoints,
  ...jobEndpoints,
  ...jobSpecEndpoints,
  ...jobLogsEndpoints,
  ...jobDeliveryEndpoints,
  ...jobTestReportEndpoints,
  ...jobActionEndpoints,
  ...billingEndpoints,
  ...adminEndpoints,
  ...supportEndpoints,
  ...v2GithubEndpoints,
  ...v2RemoteEndpoints,
  ...v2ComplianceEndpoints,
  ...telemetryEndpoints,
];

const byKey = new Map(ENDPOINTS.map((e) => [`${e.method} ${e.path}`, e]));
const byId = new Map(ENDPOINTS.map((e) => [e.id, e]));
if (byKey.size !== ENDPOINTS.length || byId.size !== ENDPOINTS.length)
  throw new Error('ENDPOINTS has a duplicate route or id');

/**
 * @example findEndpoint('POST', '/api/v1/jobs/:job_id/start')?.id // 'jobs.start'
 */
export function findEndpoint(method: HttpMethod, path: string): Endpoint | undefined {
  return byKey.get(`${method} ${path}`);
}

/** @example endpointById('jobs.reportTests').path // '/api/v1/jobs/:job_id/tests/report' */
export function endpointById(id: string): Endpoint {
  const e = byId.get(id);
  if (!e) throw new Error(`unknown endpoint id ${id}`);
  return e;
}
