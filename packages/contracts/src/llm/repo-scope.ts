/**
 * @module `repo_scope` schema family (PRD V2 §10 item 2.1; V2-FR-GH-002/006): repository and
 * path boundaries the model proposes for a GitHub-sourced job. Everything stays inside the
 * preflighted `path_scope` (`POST /api/v2/github/repos/:repo_id/preflight`).
 */
import { z } from 'zod';
import { reasonCodeSchema, text } from './common';
import { workspacePathSchema } from './patch-edit';

export const REPO_SCOPE_SCHEMA_VERSION = 'repo_scope.v1' as const;

export const repoScopeSchema = z
  .strictObject({
    schema_version: z.literal(REPO_SCOPE_SCHEMA_VERSION),
    branch: text(255),
    path_scope: workspacePathSchema,
    target_paths: z.array(workspacePathSchema).min(1),
    dependency_paths: z.array(workspacePathSchema),
    excluded_paths: z.array(z.strictObject({ path: workspacePathSchema, reason_code: reasonCodeSchema })),
  })
  .superRefine((s, ctx) => {
    const inside = (p: string) => p === s.path_scope || p.startsWith(`${s.path_scope}/`);
    for (const key of ['target_paths', 'dependency_paths'] as const) {
      s[key].forEach((p, i) => {
        if (!inside(p)) ctx.addIssue({ code: 'custom', path: [key, i], message: 'path outside path_scope' });
      });
    }
  });
export type RepoScope = z.infer<typeof repoScopeSchema>;
