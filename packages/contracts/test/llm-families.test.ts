import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  LLM_SCHEMA_FAMILIES,
  LLM_SCHEMA_FAMILY_NAMES,
  isModelClassAllowed,
  parseLlmOutput,
  responseFormat,
  toJsonSchema,
  type LlmSchemaFamily,
} from '../src/llm/registry';

type Fixture = { valid: unknown[]; invalid: { why: string; value: unknown }[] };
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/llm-families.json', import.meta.url), 'utf8')) as Record<LlmSchemaFamily, Fixture>;

void test('PRD V1 §11 required families + PRD V2 §10 item 2: registry holds exactly the nine families', () => {
  assert.deepEqual([...LLM_SCHEMA_FAMILY_NAMES].sort(), [
    'bdd', 'failure_analysis', 'patch_edit', 'patch_plan', 'policy_violation', 'proposal', 'repo_scope', 'sdd', 'test_plan',
  ]);
  assert.deepEqual(Object.keys(fixtures).sort(), [...LLM_SCHEMA_FAMILY_NAMES].sort());
  for (const f of LLM_SCHEMA_FAMILY_NAMES) assert.equal(LLM_SCHEMA_FAMILIES[f].version, `${f}.v1`);
});

for (const family of LLM_SCHEMA_FAMILY_NAMES) {
  void test(`PRD V1 §11 items 2-3: ${family} accepts valid fixtures and rejects invalid ones`, () => {
    const fx = fixtures[family];
    for (const v of fx.valid) {
      const r = parseLlmOutput(family, v);
      assert.ok(r.success, `${family} valid: ${r.success ? '' : r.error.message}`);
    }
    assert.ok(fx.invalid.length > 0);
    for (const { why, value } of fx.invalid) assert.equal(parseLlmOutput(family, value).success, false, `${family} invalid: ${why}`);
    // A wrong schema_version is always refused (PRD V1 §11 item 2).
    assert.equal(parseLlmOutput(family, { ...(fx.valid[0] as object), schema_version: `${family}.v0` }).success, false);
  });

  void test(`PRD V1 §11 item 6: ${family} exports a JSON Schema that pins its version`, () => {
    const js = toJsonSchema(family) as { type: string; properties: { schema_version: { const: string } }; required: string[] };
    assert.equal(js.type, 'object');
    assert.equal(js.properties.schema_version.const, LLM_SCHEMA_FAMILIES[family].version);
    assert.ok(js.required.includes('schema_version'));
    assert.equal(responseFormat(family).type, 'json_schema');
  });
}

void test('PRD V1 §11 output table, V1-FR-ROUTE-002: L3 answers only patch_edit (or a denial); L2 adds BDD/SDD NL interpretation', () => {
  const allowed = (mc: 'L1' | 'L2' | 'L3') => LLM_SCHEMA_FAMILY_NAMES.filter((f) => isModelClassAllowed(f, mc)).sort();
  assert.deepEqual(allowed('L3'), ['patch_edit', 'policy_violation']);
  assert.deepEqual(allowed('L2'), ['bdd', 'patch_edit', 'policy_violation', 'sdd']);
  assert.deepEqual(allowed('L1'), [...LLM_SCHEMA_FAMILY_NAMES].sort());
});
