/**
 * @module `proposal` schema family (PRD V1 §11; V1-FR-SPEC-001, V1-FR-UXA-003, V1-FR-PRO-001).
 * Field names follow `GET /api/v1/jobs/:job_id/proposals` (API_CONTRACT §4); the proposal `id`
 * is assigned by the server, not by the model.
 */
import { z } from 'zod';
import { text } from './common';

export const PROPOSAL_SCHEMA_VERSION = 'proposal.v1' as const;

export const PROPOSAL_LEVELS = ['CONSERVATIVE', 'STANDARD', 'COMPREHENSIVE'] as const;
export type ProposalLevel = (typeof PROPOSAL_LEVELS)[number];

/** Professional Mode technical emphasis (V1-FR-PRO-001); `null` in Simple Mode. */
export const technicalAnalysisSchema = z.strictObject({
  performance_characteristics: text(),
  breaking_change_surface: text(),
  dependency_compatibility: z.array(z.strictObject({ dependency: text(200), status: text(200) })),
  migration_complexity_score: z.int().min(1).max(10),
});
export type TechnicalAnalysis = z.infer<typeof technicalAnalysisSchema>;

export const proposalItemSchema = z.strictObject({
  level: z.enum(PROPOSAL_LEVELS),
  title: text(200),
  /** Plain-language impact summary (V1-FR-UXA-003). */
  summary: text(),
  risk_score: z.int().min(1).max(5),
  technical_analysis: technicalAnalysisSchema.nullable(),
  estimated_complexity: text(200).nullable(),
});
export type ProposalItem = z.infer<typeof proposalItemSchema>;

/** Exactly one proposal per level (V1-FR-SPEC-001). */
export const proposalSchema = z
  .strictObject({
    schema_version: z.literal(PROPOSAL_SCHEMA_VERSION),
    proposals: z.array(proposalItemSchema).length(3),
  })
  .refine((p) => new Set(p.proposals.map((x) => x.level)).size === 3, { message: 'each level must appear exactly once', path: ['proposals'] });
export type Proposal = z.infer<typeof proposalSchema>;
