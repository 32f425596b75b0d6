/**
 * @module `bdd` and `sdd` schema families (PRD V1 §11; V1-FR-SPEC-002/004). Item fields are the
 * columns of `bdd_items` / `sdd_items` (DB_SCHEMA §4) so a model answer maps 1:1 onto the
 * `BDDItem[]` / `SDDItem[]` of `GET|PATCH /api/v1/jobs/:job_id/spec` and `spec/nl-convert`.
 */
import { z } from 'zod';
import { text } from './common';

export const BDD_SCHEMA_VERSION = 'bdd.v1' as const;
export const SDD_SCHEMA_VERSION = 'sdd.v1' as const;

export const bddItemSchema = z.strictObject({
  given: text(),
  when_action: text(),
  then_outcome: text(),
});
export type BddItemDraft = z.infer<typeof bddItemSchema>;

export const sddItemSchema = z.strictObject({
  component: text(300),
  responsibility: text(),
  interface_notes: text().nullable(),
});
export type SddItemDraft = z.infer<typeof sddItemSchema>;

export const bddSchema = z.strictObject({
  schema_version: z.literal(BDD_SCHEMA_VERSION),
  bdd_items: z.array(bddItemSchema).min(1),
});
export type Bdd = z.infer<typeof bddSchema>;

export const sddSchema = z.strictObject({
  schema_version: z.literal(SDD_SCHEMA_VERSION),
  sdd_items: z.array(sddItemSchema).min(1),
});
export type Sdd = z.infer<typeof sddSchema>;
