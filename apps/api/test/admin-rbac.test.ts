/**
 * The DB_SCHEMA §19 role permission matrix as data (V1-FR-OPS-001..004; AGENT.md resolution
 * 15): every role × every permission against an independent transcription of the table, the
 * §8.1 config keys mapped to their rows, masking, and agreement with the roles the contracts
 * registry declares per endpoint.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ADMIN_ROLES,
  CONFIG_KEYS,
  endpointById,
  killSwitchRoles,
  configKeyRoles,
  type AdminRole,
} from '@iama/contracts';
import { ADMIN_PERMISSIONS, can, requiredRole, type AdminPermission } from '../src/admin/rbac';
import { configKeySpec, maskConfigValue, secretRefSchema } from '../src/admin/config-keys';

/** §19 as printed (✅ / ❌ per SUPER_ADMIN, ENGINEER, SUPPORT), plus the two §6/§8.1 rows. */
const SPEC_MATRIX: Record<AdminPermission, string> = {
  'admin_accounts.manage': '✅❌❌',
  'config.api_key_ref.write': '✅❌❌',
  'config.model_routing.write': '✅✅❌',
  'config.tier_context_caps.write': '✅✅❌',
  'config.feature_flags.write': '✅✅❌',
  'config.language_matrix.write': '✅✅❌', // §8.1
  'config.read': '✅✅❌', // §6 GET /admin/config
  'kill_switch.global': '✅✅❌',
  'kill_switch.user': '✅✅✅',
  'user360.read': '✅✅✅',
  'quota.adjust': '✅❌✅',
  'health.read': '✅✅❌',
  'audit.read_all': '✅✅❌',
  'audit.read_own': '✅✅✅',
};

void test('DB_SCHEMA §19: every role × every permission matches the matrix (exhaustive)', () => {
  assert.deepEqual(Object.keys(ADMIN_PERMISSIONS).sort(), Object.keys(SPEC_MATRIX).sort());
  let checked = 0;
  for (const [permission, row] of Object.entries(SPEC_MATRIX) as [AdminPermission, string][]) {
    const cells = [...row];
    ADMIN_ROLES.forEach((role, i) => {
      assert.equal(can(role, permission), cells[i] === '✅', `${role} × ${permission}`);
      checked++;
    });
  }
  assert.equal(checked, 14 * 3);
});

void test('ROLE_INSUFFICIENT names the least-privileged role that holds the permission', () => {
  assert.equal(requiredRole('admin_accounts.manage'), 'SUPER_ADMIN');
  assert.equal(requiredRole('config.api_key_ref.write'), 'SUPER_ADMIN');
  assert.equal(requiredRole('kill_switch.global'), 'ENGINEER');
  assert.equal(requiredRole('quota.adjust'), 'SUPPORT');
  for (const p of Object.keys(ADMIN_PERMISSIONS) as AdminPermission[])
    assert.ok(can(requiredRole(p), p), p);
});

void test('API_CONTRACT §6: the permission each route checks grants exactly the roles the registry declares', () => {
  const routePermission: Record<string, AdminPermission> = {
    'admin.listAccounts': 'admin_accounts.manage',
    'admin.createAccount': 'admin_accounts.manage',
    'admin.updateAccount': 'admin_accounts.manage',
    'admin.resetPassword': 'admin_accounts.manage',
    'admin.enrolTotp': 'admin_accounts.manage',
    'admin.user360': 'user360.read',
    'admin.adjustQuota': 'quota.adjust',
    'admin.killSwitch': 'kill_switch.user',
    'admin.getConfig': 'config.read',
    'admin.putConfig': 'config.read',
    'admin.health': 'health.read',
    'admin.auditEvents': 'audit.read_own',
  };
  for (const [id, permission] of Object.entries(routePermission)) {
    assert.deepEqual([...endpointById(id).adminRoles!], [...ADMIN_PERMISSIONS[permission]], id);
  }
  const roles = (p: AdminPermission) => ADMIN_ROLES.filter((r) => can(r, p));
  assert.deepEqual([...killSwitchRoles('GLOBAL')], roles('kill_switch.global'));
  assert.deepEqual([...killSwitchRoles('USER')], roles('kill_switch.user'));
  assert.deepEqual(
    [...configKeyRoles('model.l1.api_key_ref')],
    roles(configKeySpec('model.l1.api_key_ref')!.permission),
  );
  assert.deepEqual([...configKeyRoles('model.l1')], roles(configKeySpec('model.l1')!.permission));
});

void test('DB_SCHEMA §8.1: every namespace key maps to its matrix row; unknown keys have no spec', () => {
  const expected: Record<string, AdminPermission> = {
    'model.l1': 'config.model_routing.write',
    'model.l2': 'config.model_routing.write',
    'model.l3': 'config.model_routing.write',
    'model.l1.api_key_ref': 'config.api_key_ref.write',
    'model.l2.api_key_ref': 'config.api_key_ref.write',
    'model.l3.api_key_ref': 'config.api_key_ref.write',
    tier_context_caps: 'config.tier_context_caps.write',
    'feature.black_box_orchestration': 'config.feature_flags.write',
    'feature.cross_ecosystem_v1x': 'config.feature_flags.write',
    'feature.enterprise_trial_provisioning': 'config.feature_flags.write',
    'feature.baseline_ast_confidence_threshold': 'config.feature_flags.write',
    'system.kill_switch.global': 'kill_switch.global',
    'system.kill_switch.reason': 'kill_switch.global',
    language_matrix: 'config.language_matrix.write',
  };
  for (const key of Object.keys(CONFIG_KEYS)) assert.ok(key in expected, `${key} is covered`);
  for (const [key, permission] of Object.entries(expected))
    assert.equal(configKeySpec(key)?.permission, permission, key);
  for (const key of [
    'model.l4',
    'model.l1.model_id',
    'feature.unknown',
    'system.kill_switch.user.x',
    'api_key_ref',
  ])
    assert.equal(configKeySpec(key), null, key);
});

void test('invariant 19: api_key_ref accepts secrets-manager references only, never a key', () => {
  for (const ok of [
    'secrets/litellm/minimax_api_key',
    'env:ANTHROPIC_API_KEY',
    'os.environ/OPENAI_API_KEY',
    'file:secrets/litellm/x',
  ]) {
    assert.ok(secretRefSchema.safeParse(ok).success, ok);
  }
  for (const bad of [
    'sk-ant-api03-abcdefghijklmnop',
    'AKIAIOSFODNN7EXAMPLE',
    'secrets/../../etc/passwd',
    'env:lower',
    '',
    'secrets/',
  ]) {
    assert.ok(!secretRefSchema.safeParse(bad).success, bad);
  }
});

void test('§6: api_key_ref values are masked to "***" at any depth, other values untouched', () => {
  assert.deepEqual(
    maskConfigValue('model.l1', { model_id: 'm', api_key_ref: 'secrets/x', enabled: true }),
    { model_id: 'm', api_key_ref: '***', enabled: true },
  );
  assert.equal(maskConfigValue('model.l1.api_key_ref', 'secrets/x'), '***');
  assert.deepEqual(maskConfigValue('x', [{ nested: { api_key_ref: 'env:A' } }]), [
    { nested: { api_key_ref: '***' } },
  ]);
  assert.equal(maskConfigValue('feature.black_box_orchestration', true), true);
  const roles: readonly AdminRole[] = ADMIN_ROLES;
  assert.equal(roles.length, 3);
});
