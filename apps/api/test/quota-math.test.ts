/**
 * Pure quota arithmetic and the denial envelope (issue #5; PRD V1 §9.10, V1-FR-SUB-003/004/005,
 * V1-FR-PAY-006, API_CONTRACT §12).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiError } from '@iama/contracts';
import { quotaDenialError } from '../src/quota/denial-error';
import {
  addMonths,
  addOnOffer,
  decide,
  gatedTier,
  limitsFor,
  nextUtcMidnight,
  usageDisplay,
  watermarksReached,
} from '../src/quota/quota-math';

const NOW = new Date('2026-03-10T23:59:59.999Z');
const END = new Date('2026-04-01T00:00:00.000Z');

void describe('quota arithmetic (PRD V1 §9.10)', () => {
  void it('V1-FR-SUB-005: the daily layer resets at the next UTC midnight; the monthly layer at the cycle end', () => {
    assert.equal(nextUtcMidnight(NOW).toISOString(), '2026-03-11T00:00:00.000Z');
    const daily = decide({
      tier: 'FREE',
      phase: 1,
      addOnPercent: 0,
      jobsStartedToday: 3,
      remainingMilli: null,
      dailyJobLimit: 3,
      now: NOW,
      cycleEnd: END,
    });
    assert.deepEqual(daily, {
      ok: false,
      denial: { code: 'DAILY_JOB_LIMIT_REACHED', resetAt: new Date('2026-03-11T00:00:00.000Z') },
    });
    const monthly = decide({
      tier: 'PRO',
      phase: 1,
      addOnPercent: 0,
      jobsStartedToday: 0,
      remainingMilli: 9_999,
      dailyJobLimit: 20,
      now: NOW,
      cycleEnd: END,
    });
    assert.deepEqual(monthly, {
      ok: false,
      denial: { code: 'INSUFFICIENT_MONTHLY_BALANCE', resetAt: END },
    });
    assert.deepEqual(
      decide({
        tier: 'PRO',
        phase: 1,
        addOnPercent: 0,
        jobsStartedToday: 19,
        remainingMilli: 10_000,
        dailyJobLimit: 20,
        now: NOW,
        cycleEnd: END,
      }),
      { ok: true },
    );
    // Enterprise: contract-defined limits; without a contract value neither layer caps.
    assert.deepEqual(
      decide({
        tier: 'ENTERPRISE',
        phase: 3,
        addOnPercent: 0,
        jobsStartedToday: 500,
        remainingMilli: null,
        dailyJobLimit: null,
        now: NOW,
        cycleEnd: END,
      }),
      { ok: true },
    );
    // Free: credits never gate (no monthly layer).
    assert.deepEqual(
      decide({
        tier: 'FREE',
        phase: 1,
        addOnPercent: 0,
        jobsStartedToday: 2,
        remainingMilli: -5,
        dailyJobLimit: 3,
        now: NOW,
        cycleEnd: END,
      }),
      { ok: true },
    );
  });

  void it('V1-FR-SUB-004: add-ons only for Pro and Max, rounded-up daily limit; Plus is sent to Pro', () => {
    assert.deepEqual(limitsFor('MAX', 50, 0), {
      dailyJobLimit: 60,
      monthlyMilli: 2_250_000,
      baseMonthlyMilli: 1_500_000,
    });
    assert.deepEqual(limitsFor('PRO', 25, -1000), {
      dailyJobLimit: 25,
      monthlyMilli: 811_500,
      baseMonthlyMilli: 650_000,
    });
    assert.deepEqual(limitsFor('PLUS', 50, 0), {
      dailyJobLimit: 8,
      monthlyMilli: 280_000,
      baseMonthlyMilli: 280_000,
    });
    assert.deepEqual(limitsFor('FREE', 0, 0), {
      dailyJobLimit: 3,
      monthlyMilli: null,
      baseMonthlyMilli: null,
    });
    assert.deepEqual(addOnOffer('PLUS'), { available: false, action: 'UPGRADE_TO_PRO' });
    assert.deepEqual(addOnOffer('PRO'), { available: true, action: 'BUY_ADD_ON' });
    assert.deepEqual(addOnOffer('FREE'), { available: false, action: 'UPGRADE_TO_PLUS' });
    assert.deepEqual(addOnOffer('ENTERPRISE'), { available: false, action: 'CONTACT_SALES' });
  });

  void it('V1-FR-PAY-002: a lapsed or cancelled payment locks premium entitlements', () => {
    assert.equal(gatedTier('MAX', 'PAST_DUE'), 'FREE');
    assert.equal(gatedTier('PRO', 'CANCELLED'), 'FREE');
    assert.equal(gatedTier('PRO', 'TRIAL'), 'PRO');
  });

  void it('V1-FR-SUB-003 / V1-FR-PAY-006: percentages, the proxy and watermarks', () => {
    assert.deepEqual(usageDisplay(650_000, 195_000, null), {
      used_percent: 30,
      remaining_percent: 70,
      typical_refactors_remaining: 18,
      remaining_credits: 455,
      watermarks_crossed: [],
    });
    assert.equal(usageDisplay(650_000, 195_000, 50).typical_refactors_remaining, 9);
    assert.deepEqual(usageDisplay(100_000, 120_000, null).watermarks_crossed, [80, 100]);
    assert.equal(usageDisplay(100_000, 120_000, null).remaining_credits, 0);
    assert.deepEqual(watermarksReached(0.79), []);
  });

  void it('billing anniversaries clamp to the end of shorter months', () => {
    assert.equal(
      addMonths(new Date('2026-01-31T10:00:00Z'), 1).toISOString(),
      '2026-02-28T10:00:00.000Z',
    );
    assert.equal(
      addMonths(new Date('2026-12-15T00:00:00Z'), 2).toISOString(),
      '2027-02-15T00:00:00.000Z',
    );
  });

  void it('API_CONTRACT §12: denials become 429 with denial_reason and reset_at, phase denials 403', () => {
    const daily = quotaDenialError({
      code: 'DAILY_JOB_LIMIT_REACHED',
      resetAt: new Date('2026-03-11T00:00:00Z'),
    }).response;
    assert.equal(daily.status, 429);
    assert.deepEqual(daily.body, {
      error_code: 'QUOTA_EXCEEDED_DAILY',
      message: 'Daily job limit reached',
      denial_reason: 'DAILY_JOB_LIMIT_REACHED',
      retry_after: '2026-03-11T00:00:00.000Z',
      reset_at: '2026-03-11T00:00:00.000Z',
    });
    const monthly = quotaDenialError({
      code: 'INSUFFICIENT_MONTHLY_BALANCE',
      resetAt: END,
    }).response;
    assert.equal(monthly.body.error_code, 'QUOTA_EXCEEDED_MONTHLY');
    assert.equal(monthly.body.reset_at, END.toISOString());
    const phase = quotaDenialError({ code: 'PHASE_NOT_ENTITLED', resetAt: null }).response;
    assert.equal(phase.status, 403);
    assert.equal(phase.body.denial_reason, 'ENTITLEMENT_DENIED_PHASE');
    assert.throws(() => apiError('QUOTA_EXCEEDED_DAILY', 'x', { retry_after: 'not a date' }));
  });
});
