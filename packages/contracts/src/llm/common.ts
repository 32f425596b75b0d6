/** @module Building blocks shared by the LLM schema families (PRD V1 §11, PRD V2 §10). */
import { z } from 'zod';

/** Free text from a model: never empty, bounded so one field cannot eat the output cap. */
export const text = (max = 4000) => z.string().trim().min(1).max(max);

/** Machine-readable reason codes are UPPER_SNAKE_CASE, like the API error codes. */
export const reasonCodeSchema = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected UPPER_SNAKE_CASE');

/** `test_runs.failure_class` values a test run may carry (DB_SCHEMA §5, V1-FR-TEST-008). */
export const TEST_FAILURE_CLASSES = ['LOGIC_FAILURE', 'TIMEOUT_EXECUTION', 'INFRA_FAILURE'] as const;

/** `refactor_jobs.baseline_mode_used` (DB_SCHEMA §3; V1-FR-TEST-005, V1-FR-TEST-009). */
export const BASELINE_MODES = ['ASSERTION', 'CHARACTERIZATION', 'BLACK_BOX_ORCHESTRATION'] as const;
export const baselineModeSchema = z.enum(BASELINE_MODES);
export type BaselineMode = z.infer<typeof baselineModeSchema>;
