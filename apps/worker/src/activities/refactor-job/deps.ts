/** @module What the refactor-job activities need; only the worker's entry point (or a test) builds it. */
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { ConfirmationClaims, IamaRouter, Stage } from '@iama/llm';
import type { LlmSchemaFamily } from '@iama/contracts';
import type { AstSupport } from '@iama/patch';

export type RefactorJobDeps = {
  db: Kysely<Database>;
  /** The IAMA Router: the only path to a model (ARCHITECTURE D2). Absent → model activities fail closed. */
  router?: IamaRouter;
  /**
   * Issues the confirmation token of an escalated attempt with the router's own key, after the
   * user confirmed (V1-FR-ROUTE-003, V1-FR-SUB-006); `createWorkerRouter` provides it.
   */
  issueConfirmation?: (claims: ConfirmationClaims) => string;
  /** Tree-sitter support for AST-symbolic patch operations; without it they fail `AST_UNAVAILABLE`. */
  ast?: AstSupport;
  /**
   * Extra prompt lines per call. The fixture model (ARCHITECTURE D7) picks scripted answers from
   * `fixture-scenario:` lines; tests use this to script a job. Never used in production wiring.
   */
  promptDirectives?: (call: {
    jobId: string;
    family: LlmSchemaFamily;
    stage: Stage;
    attemptNumber: number;
  }) => string | undefined;
};
