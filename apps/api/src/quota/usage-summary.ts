/**
 * @module The usage summary of API_CONTRACT §3 plus its display block (V1-FR-SUB-003,
 * docs/api/ADDITIONS.md): percentages and the "~N typical refactors" proxy first, absolute
 * credits only for the expand view, reset instants for both layers, the add-on action path
 * (V1-FR-BIL-003) and the watermarks reached this cycle (V1-FR-PAY-006).
 */
import type { Kysely } from 'kysely';
import type { UsageSummary } from '@iama/contracts';
import { TIER_MATRIX } from '@iama/contracts';
import type { Database } from '@iama/db';
import { rollingAverageJobCredits } from './ledger';
import { addOnOffer, MILLI_PER_CREDIT, nextUtcMidnight, usageDisplay } from './quota-math';
import { quotaState } from './quota-state';
import { recordedWatermarks } from './watermarks';

const credits = (milli: number) => Math.max(0, Math.round(milli / MILLI_PER_CREDIT));

export async function usageSummary(
  db: Kysely<Database>,
  userId: string,
  now: Date = new Date(),
): Promise<UsageSummary> {
  const state = await quotaState(db, userId, now);
  const { subscription, tier, usage, limits } = state;
  const monthlyLimit = limits.monthlyMilli === null ? null : credits(limits.monthlyMilli);
  const phaseLimit = (phase: 2 | 3) =>
    TIER_MATRIX[tier].phases.includes(phase) ? monthlyLimit : 0;
  const [rolling, watermarks] = await Promise.all([
    limits.monthlyMilli === null
      ? Promise.resolve(null)
      : rollingAverageJobCredits(db, userId, now),
    recordedWatermarks(db, userId, subscription.cycleStart),
  ]);
  const dailyReset = nextUtcMidnight(now).toISOString();
  const offer = addOnOffer(tier);
  return {
    cycle_start: subscription.cycleStart.toISOString(),
    cycle_end: subscription.cycleEnd.toISOString(),
    phase_1:
      limits.monthlyMilli === null
        ? { used: state.jobsStartedToday, limit: limits.dailyJobLimit, reset_type: 'daily' }
        : {
            used: credits(usage.consumedMilliByPhase[0]),
            limit: monthlyLimit,
            reset_type: 'monthly',
          },
    phase_2: { used: credits(usage.consumedMilliByPhase[1]), limit: phaseLimit(2) },
    phase_3: { used: credits(usage.consumedMilliByPhase[2]), limit: phaseLimit(3) },
    last_updated: now.toISOString(),
    display: {
      tier,
      monthly:
        limits.monthlyMilli === null
          ? null
          : {
              ...usageDisplay(limits.monthlyMilli, usage.consumedMilli, rolling),
              reset_at: subscription.cycleEnd.toISOString(),
            },
      daily: {
        jobs_started: state.jobsStartedToday,
        job_limit: limits.dailyJobLimit,
        jobs_remaining:
          limits.dailyJobLimit === null
            ? null
            : Math.max(0, limits.dailyJobLimit - state.jobsStartedToday),
        reset_at: dailyReset,
      },
      add_on: {
        active_percent: usage.addOnPercent,
        available: offer.available,
        action: offer.action,
      },
      watermarks_recorded: watermarks,
    },
  };
}
