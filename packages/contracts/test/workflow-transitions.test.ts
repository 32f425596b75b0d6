import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TRANSIENT_STATES,
  V1_WORKFLOW_STATES,
  V2_STATE_MARKERS,
  WORKFLOW_STATES,
  isWorkflowState,
  type WorkflowState,
} from '../src/workflow/states';
import {
  IllegalTransitionError,
  TRANSITIONS,
  assertTransition,
  canTransition,
  isTerminal,
  nextStates,
  type TransitionContext,
} from '../src/workflow/transitions';

const S = WORKFLOW_STATES;
const pairs = (ctx: TransitionContext) => {
  const legal = new Set<string>();
  for (const from of S) for (const to of S) if (canTransition(from, to, ctx).ok) legal.add(`${from}>${to}`);
  return legal;
};
const sorted = (s: Iterable<string>) => [...s].sort();

// Expected edges, written from guide §3.1 / PRD V1 §13 / PRD V2 §12 and docs/workflow-states.md.
const ALWAYS = [
  'PENDING>QUOTA_RESERVING', 'QUOTA_RESERVING>PENDING',
  'REPO_SYNCING>REPO_SYNC_THROTTLED', 'REPO_SYNC_THROTTLED>REPO_SYNCING', 'REPO_SYNCING>REPO_SYNC_SCRATCH_WIPING',
  'REPO_SYNC_SCRATCH_WIPING>ANALYZING', 'WAITING_SPEC_APPROVAL>GENERATING_TESTS',
  'REMOTE_EXECUTION_QUEUED>REMOTE_EXECUTION_RUNNING', 'REMOTE_EXECUTION_RUNNING>BASELINE_VALIDATION',
  'BASELINE_VALIDATION>REFACTORING', 'BASELINE_VALIDATION>BASELINE_VALIDATION_FAILED',
  'BASELINE_VALIDATION_FAILED>WAITING_SPEC_APPROVAL', 'BASELINE_VALIDATION_FAILED>BASELINE_VALIDATION',
  'REFACTORING>SELF_HEALING', 'REFACTORING>WAITING_SPEC_APPROVAL',
  'SELF_HEALING>WAITING_INTERVENTION', 'SELF_HEALING>RECOVERY_PENDING', 'SELF_HEALING>WAITING_SPEC_APPROVAL',
  'WAITING_ESCALATION_DECISION>SELF_HEALING',
  'WAITING_INTERVENTION>DEEP_FIX_ACTIVE', 'WAITING_INTERVENTION>USER_INTERVENING', 'WAITING_INTERVENTION>SELF_HEALING',
  'WAITING_INTERVENTION>RECOVERY_PENDING', 'DEEP_FIX_ACTIVE>SELF_HEALING', 'DEEP_FIX_ACTIVE>WAITING_INTERVENTION',
  'USER_INTERVENING>SELF_HEALING', 'FALLBACK_REQUIRED>WAITING_SPEC_APPROVAL', 'REMOTE_HEAD_CONFLICT>REMOTE_REBASE_VALIDATING',
];
const NON_TERMINAL_WILDCARD_SOURCES = S.filter((s) => !['DELIVERED', 'FAILED', 'FALLBACK_REQUIRED', 'REMOTE_WIPE_VERIFYING', 'SYNC_APPLY_CONFLICT'].includes(s));

const LOCAL_PRO: TransitionContext = { tier: 'PRO', executionMode: 'LOCAL_NATIVE', source: 'IDE' };
const expectedLocal = new Set([
  ...ALWAYS,
  'QUOTA_RESERVING>ANALYZING', 'ANALYZING>WAITING_STRATEGY', 'WAITING_STRATEGY>WAITING_SPEC_APPROVAL',
  'GENERATING_TESTS>BASELINE_VALIDATION', 'REFACTORING>DELIVERED', 'SELF_HEALING>DELIVERED',
  'REFACTORING>WAITING_ESCALATION_DECISION', 'SELF_HEALING>WAITING_ESCALATION_DECISION',
  'WAITING_ESCALATION_DECISION>FAILED', 'RECOVERY_PENDING>FALLBACK_REQUIRED', 'RECOVERY_PENDING>FAILED', 'CLIENT_HEARTBEAT_LOST>FAILED',
  ...NON_TERMINAL_WILDCARD_SOURCES.map((s) => `${s}>FAILED`),
  ...NON_TERMINAL_WILDCARD_SOURCES.filter((s) => s !== 'CLIENT_HEARTBEAT_LOST').map((s) => `${s}>CLIENT_HEARTBEAT_LOST`),
]);

void test('PRD V1 §13, PRD V2 §12, guide §3.2: 19 V1 states, 11 V2 markers (CLIENT_HEARTBEAT_LOST shared), 1 transient = 30 states', () => {
  assert.equal(V1_WORKFLOW_STATES.length, 19);
  assert.equal(V2_STATE_MARKERS.length, 11);
  assert.equal(TRANSIENT_STATES.length, 1);
  assert.deepEqual(V2_STATE_MARKERS.filter((s) => (V1_WORKFLOW_STATES as readonly string[]).includes(s)), ['CLIENT_HEARTBEAT_LOST']);
  assert.equal(WORKFLOW_STATES.length, 30);
  for (const bad of ['CANCELLED', 'COMPLETED', 'PROPOSING', 'AWAITING_APPROVAL', 'EXECUTING', 'TESTING', 'DELIVERING', 'INTERVENING', 'DEEP_FIX_PENDING']) {
    assert.equal(isWorkflowState(bad), false, `guide §9.1 forbids ${bad}`);
  }
});

void test('guide §3.1, V1-FR-JOB-007: every (from, to) pair for an IDE-attached local Pro job matches the table exactly', () => {
  assert.deepEqual(sorted(pairs(LOCAL_PRO)), sorted(expectedLocal));
});

void test('guide §3.2, PRD V2 §12 rules 6/15, V2-FR-WF-006: every pair for a REMOTE_SANDBOX job with a live sandbox', () => {
  const ctx: TransitionContext = { tier: 'MAX', executionMode: 'REMOTE_SANDBOX', source: 'IDE', remoteSandboxActive: true };
  const expected = new Set([
    ...ALWAYS,
    'QUOTA_RESERVING>ANALYZING', 'ANALYZING>WAITING_STRATEGY', 'WAITING_STRATEGY>WAITING_SPEC_APPROVAL',
    'GENERATING_TESTS>REMOTE_EXECUTION_QUEUED',
    'REFACTORING>WAITING_ESCALATION_DECISION', 'SELF_HEALING>WAITING_ESCALATION_DECISION',
    ...NON_TERMINAL_WILDCARD_SOURCES.map((s) => `${s}>REMOTE_WIPE_VERIFYING`),
  ]);
  assert.deepEqual(sorted(pairs(ctx)), sorted(expected));
});

void test('PRD V2 §12 rules 1, 4, 5, 10: GitHub-sourced jobs sync (with scratch wipe) before analysis and check Head SHA', () => {
  const ctx: TransitionContext = { tier: 'PRO', executionMode: 'REMOTE_SANDBOX', source: 'GITHUB', remoteSandboxActive: false };
  assert.deepEqual(canTransition('QUOTA_RESERVING', 'ANALYZING', ctx).ok, false);
  assert.ok(canTransition('QUOTA_RESERVING', 'REPO_SYNCING', ctx).ok);
  assert.ok(canTransition('PENDING', 'REPO_PRECHECK_BLOCKED', ctx).ok);
  assert.equal(canTransition('PENDING', 'REPO_PRECHECK_BLOCKED', LOCAL_PRO).ok, false);
  assert.equal(canTransition('QUOTA_RESERVING', 'REPO_SYNCING', LOCAL_PRO).ok, false);
  assert.equal(canTransition('REPO_SYNCING', 'ANALYZING', ctx).ok, false, 'scratch must be wiped first');
  assert.ok(canTransition('REFACTORING', 'REMOTE_HEAD_CONFLICT', ctx).ok);
  assert.ok(canTransition('SELF_HEALING', 'REMOTE_HEAD_CONFLICT', ctx).ok);
  assert.equal(canTransition('REFACTORING', 'REMOTE_HEAD_CONFLICT', LOCAL_PRO).ok, false);
  // Before a sandbox exists, a remote job may fail directly; the heartbeat rule never applies.
  assert.ok(canTransition('REPO_PRECHECK_BLOCKED', 'FAILED', ctx).ok);
  assert.equal(canTransition('REPO_SYNCING', 'CLIENT_HEARTBEAT_LOST', ctx).ok, false);
});

void test('PRD V2 §12 rules 6, 8; V2-FR-RUN-007: REMOTE_WIPE_VERIFYING exits only with evidence, only to the intended terminal state', () => {
  const base: TransitionContext = { executionMode: 'REMOTE_SANDBOX', remoteSandboxActive: true };
  for (const to of ['DELIVERED', 'FAILED', 'FALLBACK_REQUIRED'] as const) {
    assert.equal(canTransition('REMOTE_WIPE_VERIFYING', to, { ...base, terminalIntent: to }).ok, false, `${to} without evidence`);
    assert.ok(canTransition('REMOTE_WIPE_VERIFYING', to, { ...base, terminalIntent: to, wipeEvidenceRecorded: true }).ok);
    assert.deepEqual(nextStates('REMOTE_WIPE_VERIFYING', { ...base, terminalIntent: to, wipeEvidenceRecorded: true }), [to]);
  }
  assert.equal(canTransition('REMOTE_WIPE_VERIFYING', 'DELIVERED', { ...base, terminalIntent: 'FAILED', wipeEvidenceRecorded: true }).ok, false);
  assert.deepEqual(nextStates('REMOTE_WIPE_VERIFYING', base), []);
});

void test('PRD V1 §13 transition 2, V1-FR-PRO-002/003: Enterprise-only analysis report; trials pause at strategy', () => {
  const ent: TransitionContext = { tier: 'ENTERPRISE' };
  assert.ok(canTransition('ANALYZING', 'GENERATING_ANALYSIS_REPORT', ent).ok);
  assert.equal(canTransition('ANALYZING', 'WAITING_STRATEGY', ent).ok, false);
  assert.ok(canTransition('GENERATING_ANALYSIS_REPORT', 'WAITING_STRATEGY', ent).ok);
  for (const tier of ['FREE', 'PLUS', 'PRO', 'MAX'] as const) {
    const r = canTransition('ANALYZING', 'GENERATING_ANALYSIS_REPORT', { tier });
    assert.deepEqual(r.ok ? null : r.reason, 'GUARD_FAILED', tier);
    assert.ok(canTransition('ANALYZING', 'WAITING_STRATEGY', { tier }).ok);
  }
  assert.equal(canTransition('WAITING_STRATEGY', 'WAITING_SPEC_APPROVAL', { ...ent, enterpriseTrial: true }).ok, false);
  assert.ok(canTransition('WAITING_STRATEGY', 'WAITING_SPEC_APPROVAL', ent).ok);
});

void test('PRD V1 §13 transition 12, V1-FR-ROUTE-003: escalation pauses only without pre-authorization; timeout follows it', () => {
  const pre: TransitionContext = { ...LOCAL_PRO, escalationPreauthorized: true };
  assert.equal(canTransition('SELF_HEALING', 'WAITING_ESCALATION_DECISION', pre).ok, false);
  assert.equal(canTransition('REFACTORING', 'WAITING_ESCALATION_DECISION', pre).ok, false);
  assert.deepEqual(canTransition('WAITING_ESCALATION_DECISION', 'SELF_HEALING', pre), { ok: true, triggers: ['ESCALATION_CONFIRMED', 'ESCALATION_TIMEOUT'] });
  assert.deepEqual(canTransition('WAITING_ESCALATION_DECISION', 'SELF_HEALING', LOCAL_PRO), { ok: true, triggers: ['ESCALATION_CONFIRMED'] });
  const timeout = canTransition('WAITING_ESCALATION_DECISION', 'FAILED', LOCAL_PRO);
  assert.ok(timeout.ok && timeout.triggers.includes('ESCALATION_TIMEOUT'));
});

void test('guide §3.1, §9.1: terminal states reject everything except the FALLBACK_REQUIRED rerun edge', () => {
  const contexts: TransitionContext[] = [LOCAL_PRO, { tier: 'ENTERPRISE', executionMode: 'REMOTE_SANDBOX', remoteSandboxActive: true, source: 'GITHUB' }];
  for (const ctx of contexts) {
    for (const from of ['DELIVERED', 'FAILED', 'FALLBACK_REQUIRED'] as const) {
      assert.ok(isTerminal(from));
      for (const to of S) {
        const r = canTransition(from, to, ctx);
        if (from === 'FALLBACK_REQUIRED' && to === 'WAITING_SPEC_APPROVAL') assert.deepEqual(r, { ok: true, triggers: ['REVISE_SPECS_AND_RERUN'] });
        else assert.deepEqual(r.ok ? 'ok' : r.reason, 'TERMINAL_STATE', `${from}>${to}`);
      }
    }
  }
  assert.equal(S.filter(isTerminal).length, 3);
  assert.throws(() => assertTransition('DELIVERED', 'ANALYZING'), (e: unknown) => e instanceof IllegalTransitionError && e.reason === 'TERMINAL_STATE');
});

void test('guide §3.2: no CANCELLED state; cancel from any non-terminal state is FAILED; PENDING must pass QUOTA_RESERVING', () => {
  for (const from of NON_TERMINAL_WILDCARD_SOURCES) assert.ok(canTransition(from, 'FAILED', LOCAL_PRO).ok, from);
  assert.deepEqual(canTransition('PENDING', 'ANALYZING', LOCAL_PRO).ok ? 'ok' : 'denied', 'denied');
  assert.doesNotThrow(() => assertTransition('PENDING', 'QUOTA_RESERVING', LOCAL_PRO));
  assert.throws(() => assertTransition('SELF_HEALING', 'ANALYZING', LOCAL_PRO), IllegalTransitionError);
  const unknown = canTransition('PENDING', 'CANCELLED' as WorkflowState);
  assert.deepEqual(unknown.ok ? null : unknown.reason, 'UNKNOWN_STATE');
});

void test('guide §3.1: the table is data — every edge names its source and only known states and guards', () => {
  for (const t of TRANSITIONS) {
    assert.ok(isWorkflowState(t.from) && isWorkflowState(t.to));
    assert.ok(t.source.length > 0 && t.trigger.length > 0);
  }
  assert.deepEqual(nextStates('BASELINE_VALIDATION', LOCAL_PRO), ['REFACTORING', 'BASELINE_VALIDATION_FAILED', 'CLIENT_HEARTBEAT_LOST', 'FAILED']);
  // Every state except the edge-less SYNC_APPLY_CONFLICT marker is reachable from PENDING in some context.
  const reach = new Set<WorkflowState>(['PENDING']);
  const ctxs: TransitionContext[] = [LOCAL_PRO, { tier: 'ENTERPRISE' }, { executionMode: 'REMOTE_SANDBOX', source: 'GITHUB', remoteSandboxActive: true }];
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of TRANSITIONS) if (reach.has(t.from) && !reach.has(t.to) && ctxs.some((c) => canTransition(t.from, t.to, { ...c, terminalIntent: isTerminal(t.to) ? t.to : undefined, wipeEvidenceRecorded: true }).ok)) { reach.add(t.to); grew = true; }
  }
  assert.deepEqual(S.filter((s) => !reach.has(s)), ['SYNC_APPLY_CONFLICT']);
});
