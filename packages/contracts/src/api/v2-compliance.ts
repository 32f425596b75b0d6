/**
 * @module V2 compliance endpoints (API_CONTRACT §10; V1-FR-SEC-002, V2-FR-TEAM-003).
 */
import { z } from 'zod';
import { isoDateTime, uuid } from './common';
import { defineEndpoint } from './endpoint';

export const dataErasureRequestSchema = z.strictObject({
  /** Must be literally `true`: erasure is irreversible. */
  confirm: z.literal(true),
  reason: z.string().max(2000).optional(),
});
export type DataErasureRequest = z.infer<typeof dataErasureRequestSchema>;
export const dataErasureResponseSchema = z.strictObject({
  erasure_request_id: z.string().min(1),
  estimated_completion: isoDateTime(),
});
export type DataErasureResponse = z.infer<typeof dataErasureResponseSchema>;

export const auditExportQuerySchema = z
  .strictObject({
    from: isoDateTime(),
    to: isoDateTime(),
    user_id: uuid().optional(),
    job_id: uuid().optional(),
  })
  .refine((q) => Date.parse(q.from) <= Date.parse(q.to), {
    message: 'from must not be after to',
    path: ['from'],
  });
export type AuditExportQuery = z.infer<typeof auditExportQuerySchema>;
export const auditExportResponseSchema = z.strictObject({
  export_url: z.string().min(1),
  event_count: z.int().nonnegative(),
  expires_at: isoDateTime(),
});
export type AuditExportResponse = z.infer<typeof auditExportResponseSchema>;

export const v2ComplianceEndpoints = [
  defineEndpoint({
    id: 'compliance.dataErasure',
    method: 'POST',
    path: '/api/v2/compliance/data-erasure',
    auth: 'user',
    summary: 'Right-to-be-forgotten request',
    source: 'API_CONTRACT §10',
    requirementIds: ['V1-FR-SEC-002'],
    request: { body: dataErasureRequestSchema },
    responses: { 202: dataErasureResponseSchema },
  }),
  defineEndpoint({
    id: 'compliance.auditExport',
    method: 'GET',
    path: '/api/v2/compliance/audit-export',
    auth: 'user',
    permission: 'org:audit:export',
    summary: 'Export the audit log (enterprise admins)',
    source: 'API_CONTRACT §10',
    requirementIds: ['V2-FR-TEAM-003'],
    request: { query: auditExportQuerySchema },
    responses: { 200: auditExportResponseSchema },
    errors: ['ENTITLEMENT_ENTERPRISE_ONLY'],
  }),
];
