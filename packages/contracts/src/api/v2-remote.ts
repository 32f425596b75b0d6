/**
 * @module V2 remote-job sync endpoints (API_CONTRACT §9; V2-FR-WEB-006..008): the IDE fetches
 * a web job's immutable artifact and applies it with base-hash and overlap checks.
 */
import { z } from 'zod';
import { isoDateTime, jobIdParamsSchema } from './common';
import { defineEndpoint } from './endpoint';

export const remoteArtifactResponseSchema = z.strictObject({
  artifact_id: z.string().min(1),
  artifact_hash: z.string().min(1),
  file_count: z.int().nonnegative(),
  diff_preview_url: z.string().min(1),
  safe_apply_preconditions: z.strictObject({ requires_clean_working_tree: z.boolean() }),
  created_at: isoDateTime(),
});
export type RemoteArtifactResponse = z.infer<typeof remoteArtifactResponseSchema>;

/** Assisted modes are for Segments B/C only (V2-FR-WEB-008); the route enforces that. */
export const CONFLICT_RESOLUTION_MODES = [
  'BLOCK',
  'THREE_WAY_MERGE',
  'AUTO_STASH_APPLY_POP',
] as const;
export const applyRemoteArtifactRequestSchema = z.strictObject({
  local_base_hash: z.string().min(1),
  conflict_resolution_mode: z.enum(CONFLICT_RESOLUTION_MODES),
});
export type ApplyRemoteArtifactRequest = z.infer<typeof applyRemoteArtifactRequestSchema>;
export const applyRemoteArtifactResponseSchema = z.strictObject({
  applied: z.literal(true),
  conflict_markers: z.null(),
});
export type ApplyRemoteArtifactResponse = z.infer<typeof applyRemoteArtifactResponseSchema>;

export const v2RemoteEndpoints = [
  defineEndpoint({
    id: 'remote.artifact',
    method: 'GET',
    path: '/api/v2/jobs/:job_id/remote-artifact',
    auth: 'user',
    summary: 'Remote job artifact manifest for Sync Remote Job',
    source: 'API_CONTRACT §9',
    requirementIds: ['V2-FR-WEB-006'],
    request: { params: jobIdParamsSchema },
    responses: { 200: remoteArtifactResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'remote.applyArtifact',
    method: 'POST',
    path: '/api/v2/jobs/:job_id/remote-artifact/apply',
    auth: 'user',
    summary: 'Apply a remote artifact with conflict detection',
    source: 'API_CONTRACT §9',
    requirementIds: ['V2-FR-WEB-007', 'V2-FR-WEB-008'],
    request: { params: jobIdParamsSchema, body: applyRemoteArtifactRequestSchema },
    responses: { 200: applyRemoteArtifactResponseSchema },
    errors: ['SYNC_APPLY_CONFLICT', 'JOB_STATE_CONFLICT'],
  }),
];
