/**
 * @module Strategy proposals and BDD/SDD spec endpoints of API_CONTRACT §4 (V1-FR-SPEC-001..005,
 * V2-FR-WF-002). Every spec write carries the current `revision_token` and every answer a new
 * one (§13 invariant 11).
 */
import { z } from 'zod';
import { LLM_MODEL_CLASSES } from '../tiers/model-class';
import { proposalItemSchema } from '../llm/proposal';
import { bddItemSchema, sddItemSchema } from '../llm/spec';
import { bddItemApiSchema, isoDateTime, jobIdParamsSchema, sddItemApiSchema, uuid } from './common';
import { defineEndpoint } from './endpoint';

/** A model proposal plus the server-assigned id the client selects by. */
export const proposalApiSchema = proposalItemSchema.extend({ id: z.string().min(1) });
export type ProposalApi = z.infer<typeof proposalApiSchema>;

export const proposalsResponseSchema = z.strictObject({
  proposals: z.array(proposalApiSchema).length(3),
});
export type ProposalsResponse = z.infer<typeof proposalsResponseSchema>;

export const selectProposalRequestSchema = z.strictObject({ proposal_id: z.string().min(1) });
export type SelectProposalRequest = z.infer<typeof selectProposalRequestSchema>;
export const selectProposalResponseSchema = z.strictObject({
  job_id: uuid(),
  status: z.literal('WAITING_SPEC_APPROVAL'),
});
export type SelectProposalResponse = z.infer<typeof selectProposalResponseSchema>;

/** Stored items always have their row id. */
const storedBdd = bddItemApiSchema.extend({ id: uuid() });
const storedSdd = sddItemApiSchema.extend({ id: uuid() });

export const specResponseSchema = z.strictObject({
  bdd_items: z.array(storedBdd),
  sdd_items: z.array(storedSdd),
  revision_id: uuid(),
  revision_token: z.string().min(1),
  updated_at: isoDateTime(),
});
export type SpecResponse = z.infer<typeof specResponseSchema>;

export const updateSpecRequestSchema = z
  .strictObject({
    revision_token: z.string().min(1),
    bdd_items: z.array(bddItemApiSchema).optional(),
    sdd_items: z.array(sddItemApiSchema).optional(),
  })
  .refine((b) => b.bdd_items !== undefined || b.sdd_items !== undefined, {
    message: 'at least one of bdd_items or sdd_items is required',
    path: ['bdd_items'],
  });
export type UpdateSpecRequest = z.infer<typeof updateSpecRequestSchema>;
export const updateSpecResponseSchema = z.strictObject({
  revision_id: uuid(),
  revision_token: z.string().min(1),
});
export type UpdateSpecResponse = z.infer<typeof updateSpecResponseSchema>;

export const nlConvertRequestSchema = z.strictObject({
  natural_language_input: z.string().trim().min(1).max(8000),
  mode: z.enum(['BDD', 'SDD', 'BOTH']).default('BOTH'),
  revision_token: z.string().min(1),
});
export type NlConvertRequest = z.input<typeof nlConvertRequestSchema>;
/** A preview: items have no ids until the user submits them through PATCH /spec. */
export const nlConvertResponseSchema = z.strictObject({
  bdd_items: z.array(bddItemSchema).nullable(),
  sdd_items: z.array(sddItemSchema).nullable(),
  model_class_used: z.enum(LLM_MODEL_CLASSES.filter((c) => c !== 'L3') as ['L1', 'L2']),
});
export type NlConvertResponse = z.infer<typeof nlConvertResponseSchema>;

export const approveSpecResponseSchema = z.strictObject({
  job_id: uuid(),
  status: z.literal('GENERATING_TESTS'),
});
export type ApproveSpecResponse = z.infer<typeof approveSpecResponseSchema>;

const jobParams = { params: jobIdParamsSchema };

export const jobSpecEndpoints = [
  defineEndpoint({
    id: 'jobs.proposals',
    method: 'GET',
    path: '/api/v1/jobs/:job_id/proposals',
    auth: 'user',
    summary: 'The three strategy proposals',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-SPEC-001', 'V1-FR-UXA-003', 'V1-FR-PRO-001'],
    request: jobParams,
    responses: { 200: proposalsResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.selectProposal',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/proposals/select',
    auth: 'user',
    summary: 'Select a strategy proposal',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-SPEC-001'],
    request: { ...jobParams, body: selectProposalRequestSchema },
    responses: { 200: selectProposalResponseSchema },
    errors: ['JOB_STATE_CONFLICT', 'NOT_FOUND'],
  }),
  defineEndpoint({
    id: 'jobs.getSpec',
    method: 'GET',
    path: '/api/v1/jobs/:job_id/spec',
    auth: 'user',
    summary: 'Current BDD/SDD revision',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-SPEC-002', 'V1-FR-SPEC-003', 'V1-FR-SPEC-005', 'V2-FR-WF-004'],
    request: jobParams,
    responses: { 200: specResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.updateSpec',
    method: 'PATCH',
    path: '/api/v1/jobs/:job_id/spec',
    auth: 'user',
    summary: 'Update BDD/SDD under optimistic lock',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-SPEC-002', 'V1-FR-SPEC-003', 'V1-FR-SUB-004', 'V2-FR-WF-002'],
    request: { ...jobParams, body: updateSpecRequestSchema },
    responses: { 200: updateSpecResponseSchema },
    // ENTITLEMENT_DENIED: Free tier specs are read-only (V1-FR-SUB-004).
    errors: ['SPEC_REVISION_CONFLICT', 'ENTITLEMENT_DENIED', 'JOB_STATE_CONFLICT'],
  }),
  defineEndpoint({
    id: 'jobs.nlConvertSpec',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/spec/nl-convert',
    auth: 'user',
    summary: 'Preview plain language as structured BDD/SDD (not committed)',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-SPEC-002', 'V1-FR-ROUTE-002'],
    request: { ...jobParams, body: nlConvertRequestSchema },
    responses: { 200: nlConvertResponseSchema },
    errors: [
      'QUOTA_EXHAUSTED',
      'SPEC_REVISION_CONFLICT',
      'ENTITLEMENT_DENIED',
      'JOB_STATE_CONFLICT',
    ],
  }),
  defineEndpoint({
    id: 'jobs.approveSpec',
    method: 'POST',
    path: '/api/v1/jobs/:job_id/spec/approve',
    auth: 'user',
    summary: 'Approve the spec and start test generation',
    source: 'API_CONTRACT §4',
    requirementIds: ['V1-FR-TEST-001', 'V1-FR-SPEC-003'],
    request: jobParams,
    responses: { 200: approveSpecResponseSchema },
    errors: ['JOB_STATE_CONFLICT'],
  }),
];
