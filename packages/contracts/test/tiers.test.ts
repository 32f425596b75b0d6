import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TIERS } from '../src/tiers/tier';
import { TIER_MATRIX, allowsModelClass, allowsRemoteSandbox, hasMonthlyCreditLayer, tierEntitlements } from '../src/tiers/tier-matrix';
import {
  CREDIT_CONSTANTS,
  DEFAULT_OUTPUT_CAPS,
  checkStartGate,
  creditsForUsage,
  crossedWatermarks,
  dailyJobLimitWithAddOn,
  monthlyCreditsWithAddOn,
  typicalRefactorsRemaining,
} from '../src/tiers/credits';

// Expected values transcribed from the V1-FR-SUB-004 table (PRD V1 §9.2), V1-FR-ROUTE-005 and PRD V2 §5.2.
const EXPECTED = {
  //            credits          daily  context    models              mode            env                         web    report cc    addon
  FREE:       ['NOT_APPLICABLE', 3,     128_000,   ['L1'],             'SIMPLE',       'LOCAL_ONLY',               false, false, 1,    []],
  PLUS:       [280,              8,     128_000,   ['L1', 'L2'],       'SIMPLE',       'LOCAL_ONLY',               false, false, 1,    []],
  PRO:        [650,              20,    200_000,   ['L1', 'L2'],       'PROFESSIONAL', 'LOCAL_AND_CLOUD_SANDBOX',  true,  false, 2,    [25, 50]],
  MAX:        [1500,             40,    200_000,   ['L1', 'L2', 'L3'], 'PROFESSIONAL', 'LOCAL_AND_CLOUD_SANDBOX',  true,  false, 5,    [25, 50]],
  ENTERPRISE: [null,             null,  1_000_000, ['L1', 'L2', 'L3'], 'ENTERPRISE',   'DEDICATED_VPC',            true,  true,  null, null],
} as const;

void test('V1-FR-SUB-004: every tier matches the spec matrix dimension by dimension', () => {
  assert.deepEqual(Object.keys(TIER_MATRIX), [...TIERS]);
  for (const tier of TIERS) {
    const e = tierEntitlements(tier);
    const [credits, daily, ctx, models, mode, env, web, report, cc, addon] = EXPECTED[tier];
    assert.deepEqual(
      [e.monthlyCredits, e.dailyJobLimit, e.contextCap, e.modelClasses, e.operatingMode, e.executionEnvironment, e.webGithubIntegration, e.enterpriseAnalysisReport, e.concurrentJobs, e.addOnPercents],
      [credits, daily, ctx, models, mode, env, web, report, cc, addon],
      tier,
    );
  }
});

void test('AGENT.md resolution 1: Max context is 200K (not 500K), only Enterprise has 1M', () => {
  assert.equal(TIER_MATRIX.MAX.contextCap, 200_000);
  assert.deepEqual(TIERS.filter((t) => TIER_MATRIX[t].contextCap === 1_000_000), ['ENTERPRISE']);
});

void test('V1-FR-SUB-004 rows Deep Fix / BDD-SDD editing / Professional features; V1-FR-ROUTE-005/006 phases', () => {
  assert.deepEqual(TIERS.map((t) => TIER_MATRIX[t].deepFix), ['NONE', 'MANUAL_ONLY', 'CONTEXT_RESET_L2', 'L3_WITH_CONFIRMATION', 'L3_WITH_CONFIRMATION']);
  assert.deepEqual(TIERS.map((t) => TIER_MATRIX[t].specEditing), ['READ_ONLY', 'FULL_EDIT', 'FULL_EDIT', 'FULL_EDIT', 'FULL_EDIT']);
  assert.deepEqual(TIERS.map((t) => TIER_MATRIX[t].fastTrack), [false, false, true, true, false]);
  assert.deepEqual(TIERS.map((t) => TIER_MATRIX[t].professionalModeFeatures), [false, false, true, true, true]);
  assert.deepEqual(TIERS.map((t) => TIER_MATRIX[t].phases), [[1], [1, 2], [1, 2], [1, 2, 3], [1, 2, 3]]);
  assert.deepEqual(TIERS.filter((t) => TIER_MATRIX[t].phase3FastTrack), ['MAX']);
  assert.deepEqual(TIERS.filter((t) => TIER_MATRIX[t].escalationPreauthorization), ['ENTERPRISE']);
  assert.deepEqual(TIERS.filter((t) => TIER_MATRIX[t].teamCollaboration && TIER_MATRIX[t].behaviourCoverageGate), ['ENTERPRISE']);
  assert.deepEqual(TIERS.map((t) => TIER_MATRIX[t].v2PremiumRunsPerMonth), [{ phase2: 0, phase3: 0 }, { phase2: 10, phase3: 0 }, { phase2: 50, phase3: 0 }, { phase2: 200, phase3: 20 }, null]);
});

void test('V1-FR-SUB-006/008, guide §9.4: model-class and cloud-sandbox gates', () => {
  assert.equal(allowsModelClass('FREE', 'L2'), false);
  assert.equal(allowsModelClass('PLUS', 'L2'), true);
  assert.equal(allowsModelClass('PRO', 'L3'), false);
  assert.equal(allowsModelClass('MAX', 'L3'), true);
  assert.deepEqual(TIERS.filter(allowsRemoteSandbox), ['PRO', 'MAX', 'ENTERPRISE']);
  assert.deepEqual(TIERS.filter(hasMonthlyCreditLayer), ['PLUS', 'PRO', 'MAX', 'ENTERPRISE']);
});

void test('V1-FR-SUB-004: the table is frozen all the way down', () => {
  assert.ok(Object.isFrozen(TIER_MATRIX) && Object.isFrozen(TIER_MATRIX.PRO) && Object.isFrozen(TIER_MATRIX.PRO.modelClasses));
  assert.throws(() => {
    (TIER_MATRIX.MAX as { contextCap: number }).contextCap = 500_000;
  }, TypeError);
});

void test('PRD V1 §9.10, V1-FR-SUB-003, V1-FR-PAY-006: credit constants', () => {
  assert.equal(CREDIT_CONSTANTS.USD_PER_CREDIT, 0.01);
  assert.equal(CREDIT_CONSTANTS.CACHE_READ_RATE, 0.1);
  assert.equal(CREDIT_CONSTANTS.MIN_START_CREDITS, 10);
  assert.equal(CREDIT_CONSTANTS.DEFAULT_TYPICAL_JOB_CREDITS, 25);
  assert.equal(CREDIT_CONSTANTS.ROLLING_AVERAGE_DAYS, 7);
  assert.deepEqual(CREDIT_CONSTANTS.USAGE_WATERMARKS, [0.8, 1.0]);
  assert.deepEqual(CREDIT_CONSTANTS.ADD_ON_PERCENTS, [25, 50]);
  assert.deepEqual(CREDIT_CONSTANTS.L3_ESTIMATE_PERCENT_RANGE, [15, 40]);
  assert.equal(CREDIT_CONSTANTS.MAX_CONCURRENT_L1_CALLS_PER_SESSION, 3);
  assert.deepEqual(DEFAULT_OUTPUT_CAPS, { L1: 30_000, L2: 5_000, L3: 5_000 });
});

void test('PRD V1 §9.10: credits = USD / 0.01; cache reads at 10% of input unless priced', () => {
  const prices = { input: 3e-6, output: 15e-6 };
  assert.ok(Math.abs(creditsForUsage({ inputTokens: 10_000, outputTokens: 2_000 }, prices) - 6) < 1e-9);
  assert.ok(Math.abs(creditsForUsage({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 100_000 }, prices) - 3) < 1e-9);
  assert.ok(Math.abs(creditsForUsage({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 100_000 }, { ...prices, cacheRead: 1e-7 }) - 1) < 1e-9);
});

void test('PRD V1 §9.10: add-ons scale monthly credits and the daily limit (rounded up); Plus/Free cannot buy', () => {
  assert.equal(monthlyCreditsWithAddOn('PRO', 25), 812.5);
  assert.equal(monthlyCreditsWithAddOn('MAX', 50), 2250);
  assert.equal(dailyJobLimitWithAddOn('PRO', 25), 25);
  assert.equal(dailyJobLimitWithAddOn('MAX', 25), 50);
  assert.equal(dailyJobLimitWithAddOn('PRO', 50), 30);
  assert.equal(dailyJobLimitWithAddOn('PLUS', 0), 8);
  assert.throws(() => dailyJobLimitWithAddOn('PLUS', 25), RangeError);
  assert.equal(monthlyCreditsWithAddOn('FREE', 0), null);
  assert.equal(dailyJobLimitWithAddOn('ENTERPRISE', 25), null);
});

void test('V1-FR-SUB-005, guide §2.3 item 1: two-layer start gate with machine-readable codes', () => {
  assert.deepEqual(checkStartGate('FREE', { jobsStartedToday: 2, remainingCredits: 0 }), { ok: true });
  assert.deepEqual(checkStartGate('FREE', { jobsStartedToday: 3, remainingCredits: 999 }), { ok: false, code: 'DAILY_JOB_LIMIT_REACHED' });
  assert.deepEqual(checkStartGate('PLUS', { jobsStartedToday: 0, remainingCredits: 9.99 }), { ok: false, code: 'INSUFFICIENT_MONTHLY_BALANCE' });
  assert.deepEqual(checkStartGate('PLUS', { jobsStartedToday: 0, remainingCredits: 10 }), { ok: true });
  assert.deepEqual(checkStartGate('PRO', { jobsStartedToday: 24, remainingCredits: 100, addOnPercent: 25 }), { ok: true });
  assert.deepEqual(checkStartGate('PRO', { jobsStartedToday: 25, remainingCredits: 100, addOnPercent: 25 }), { ok: false, code: 'DAILY_JOB_LIMIT_REACHED' });
  assert.deepEqual(checkStartGate('ENTERPRISE', { jobsStartedToday: 500, remainingCredits: 100 }), { ok: true });
  assert.deepEqual(checkStartGate('ENTERPRISE', { jobsStartedToday: 5, remainingCredits: 100 }, { dailyJobLimit: 5 }), { ok: false, code: 'DAILY_JOB_LIMIT_REACHED' });
});

void test('V1-FR-PAY-006, V1-FR-SUB-003: watermark crossings and typical-refactor proxy', () => {
  assert.deepEqual(crossedWatermarks(0.75, 0.85), [0.8]);
  assert.deepEqual(crossedWatermarks(0.5, 1.2), [0.8, 1.0]);
  assert.deepEqual(crossedWatermarks(0.85, 0.9), []);
  assert.equal(typicalRefactorsRemaining(450), 18);
  assert.equal(typicalRefactorsRemaining(450, 30), 15);
  assert.equal(typicalRefactorsRemaining(-5), 0);
});
