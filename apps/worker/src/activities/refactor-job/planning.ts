/**
 * @module Scope analysis with exactly three proposals (V1-FR-SPEC-001, V1-FR-PRO-001), spec
 * extraction into `spec_revisions` / `bdd_items` / `sdd_items` (V1-FR-SPEC-003, invariant 2) and
 * test generation linked to the approved revision (V1-FR-TEST-001). Prompts carry code only to
 * the router; nothing here logs content.
 */
import {
  PROPOSAL_LEVELS,
  type BddItemDraft,
  type ProposalItem,
  type SddItemDraft,
} from '@iama/contracts';
import type { RefactorJobDeps } from './deps';
import { callModel, type ModelCallArgs } from './model-call';
import type { SourceFile } from '../../workflows/refactor-job/api';

const filesBlock = (files: readonly SourceFile[]) =>
  files.map((f) => `--- ${f.path}\n${f.content}`).join('\n');

export type SpecRevision = {
  specRevisionId: string;
  revisionToken: string;
  bddItems: BddItemDraft[];
  sddItems: SddItemDraft[];
};

export const specText = (s: Pick<SpecRevision, 'bddItems' | 'sddItems'>) =>
  [
    ...s.bddItems.map(
      (b, i) => `BDD ${i + 1}: GIVEN ${b.given} WHEN ${b.when_action} THEN ${b.then_outcome}`,
    ),
    ...s.sddItems.map(
      (d, i) =>
        `SDD ${i + 1}: ${d.component}: ${d.responsibility}${d.interface_notes ? ` (${d.interface_notes})` : ''}`,
    ),
  ].join('\n');

export function createPlanningActivities(deps: RefactorJobDeps) {
  const { db } = deps;
  return {
    /** Scope analysis → the three proposals, one per level, in level order (V1-FR-SPEC-001). */
    async analyzeScope(
      args: ModelCallArgs & { files: SourceFile[]; refactorContext: string | null },
    ): Promise<ProposalItem[]> {
      const professional = args.entitlement.operatingMode !== 'SIMPLE';
      const { output } = await callModel(deps, args, 'proposal', {
        slices: [],
        task: [
          'Analyse the scope of these legacy files and propose exactly three refactoring strategies: CONSERVATIVE, STANDARD, COMPREHENSIVE.',
          professional
            ? 'Professional mode: include technical_analysis (performance, breaking-change surface, dependency compatibility, migration complexity) for every strategy.'
            : 'Simple mode: plain-language summaries, technical_analysis null.',
          args.refactorContext ? `User context: ${args.refactorContext}` : '',
          filesBlock(args.files),
        ]
          .filter(Boolean)
          .join('\n'),
      });
      return PROPOSAL_LEVELS.map((level) => output.proposals.find((p) => p.level === level)!);
    },

    /**
     * Extracts BDD and SDD for the selected strategy and persists them as revision
     * `specRevisionId` (workflow-generated, so a retried activity writes once).
     */
    async extractSpec(
      args: ModelCallArgs & {
        files: SourceFile[];
        proposal: ProposalItem;
        specRevisionId: string;
        revisionToken: string;
      },
    ): Promise<SpecRevision> {
      const context = `Strategy ${args.proposal.level}: ${args.proposal.title}. ${args.proposal.summary}\n${filesBlock(args.files)}`;
      // Two metered calls: `attemptNumber` and `attemptNumber + 1` (ledger keys are per attempt, invariant 7).
      const bdd = await callModel(deps, args, 'bdd', {
        task: `Extract the observable behaviour of the legacy code as BDD items.\n${context}`,
      });
      const sdd = await callModel(deps, { ...args, attemptNumber: args.attemptNumber + 1 }, 'sdd', {
        task: `Describe the target design as SDD items.\n${context}`,
      });
      const bddItems = bdd.output.bdd_items;
      const sddItems = sdd.output.sdd_items;
      await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('spec_revisions')
          .values({
            id: args.specRevisionId,
            job_id: args.jobId,
            revision_token: args.revisionToken,
            actor_id: args.ownerId,
            surface: 'IDE',
            bdd_snapshot: JSON.stringify(bddItems),
            sdd_snapshot: JSON.stringify(sddItems),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) return;
        await trx
          .insertInto('bdd_items')
          .values(
            bddItems.map((b) => ({
              job_id: args.jobId,
              revision_id: args.specRevisionId,
              given: b.given,
              when_action: b.when_action,
              then_outcome: b.then_outcome,
            })),
          )
          .execute();
        await trx
          .insertInto('sdd_items')
          .values(
            sddItems.map((s) => ({
              job_id: args.jobId,
              revision_id: args.specRevisionId,
              component: s.component,
              responsibility: s.responsibility,
              interface_notes: s.interface_notes,
            })),
          )
          .execute();
      });
      const row = await db
        .selectFrom('spec_revisions')
        .select(['revision_token'])
        .where('id', '=', args.specRevisionId)
        .executeTakeFirstOrThrow();
      return {
        specRevisionId: args.specRevisionId,
        revisionToken: row.revision_token,
        bddItems,
        sddItems,
      };
    },

    /** A revision of the job by id (the API writes edits as new revisions, SERVICE_ARCHITECTURE §7.2). */
    async loadSpecRevision(args: {
      jobId: string;
      specRevisionId: string;
    }): Promise<SpecRevision | null> {
      const row = await db
        .selectFrom('spec_revisions')
        .select(['id', 'revision_token', 'bdd_snapshot', 'sdd_snapshot'])
        .where('job_id', '=', args.jobId)
        .where('id', '=', args.specRevisionId)
        .executeTakeFirst();
      if (!row) return null;
      return {
        specRevisionId: row.id,
        revisionToken: row.revision_token,
        bddItems: row.bdd_snapshot as BddItemDraft[],
        sddItems: row.sdd_snapshot as SddItemDraft[],
      };
    },

    /** Tests from the approved revision (V1-FR-TEST-001); the link is recorded as an audit event. */
    async generateTests(
      args: ModelCallArgs & { files: SourceFile[]; spec: SpecRevision },
    ): Promise<{ framework: string; baselineMode: string; testFiles: SourceFile[] }> {
      const { output } = await callModel(deps, args, 'test_plan', {
        approvedSpec: specText(args.spec),
        task: `Write tests that pin the behaviour in the approved spec on the legacy code below.\n${filesBlock(args.files)}`,
      });
      const testFiles = output.test_files.map((f) => ({ path: f.path, content: f.content }));
      await db
        .insertInto('audit_events')
        .values({
          job_id: args.jobId,
          event_type: 'job.tests_generated',
          surface: 'SYSTEM',
          metadata: JSON.stringify({
            spec_revision_id: args.spec.specRevisionId,
            framework: output.framework,
            baseline_mode: output.baseline_mode,
            test_files: testFiles.map((f) => f.path),
            test_cases: output.test_cases.length,
          }),
        })
        .execute();
      return { framework: output.framework, baselineMode: output.baseline_mode, testFiles };
    },
  };
}
