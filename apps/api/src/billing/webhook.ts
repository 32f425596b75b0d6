/**
 * @module The payment webhook's effect (API_CONTRACT §5 `POST /webhooks/payment`, §13 invariant 1;
 * V1-FR-PAY-001/002/003; DB_SCHEMA §7, invariants 16-17; AGENT.md resolution 10). A verified
 * Stripe event is applied once: under an advisory lock on its id, skipped when already recorded,
 * mirrored into `payment_subscriptions`, then synced into `subscription_tiers` (the authority),
 * and recorded as an audit event, all in one transaction.
 */
import { sql, type Kysely } from 'kysely';
import type Stripe from 'stripe';
import { isTier, type PaymentWebhookEvent, type Tier } from '@iama/contracts';
import type { Database } from '@iama/db';
import {
  addMonths,
  currentSubscription,
  lockUserQuota,
  recordAddOn,
  writeSubscriptionTier,
  type SubscriptionStatus,
} from '../quota';
import { CYCLE_REFRESH_EVENT } from '../quota/cycle-refresh';
import type { BillingContext } from './config';
import { reportOverageLocked } from './usage-report';

export const WEBHOOK_PROCESSED_EVENT = 'billing.webhook_processed';

export type WebhookOutcome = {
  duplicate: boolean;
  /** The §5 lifecycle event it was mapped to, if any. */
  lifecycle:
    | PaymentWebhookEvent
    | 'add_on_granted'
    | 'subscription_updated'
    | 'overage_reported'
    | 'ignored';
  userId: string | null;
};

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const str = (v: unknown): string | null =>
  typeof v === 'string' && v
    ? v
    : typeof v === 'object' && v && typeof (v as Obj).id === 'string'
      ? ((v as Obj).id as string)
      : null;
const date = (unix: unknown): Date | null =>
  typeof unix === 'number' ? new Date(unix * 1000) : null;

/** Gateway subscription status → `subscription_tiers.status`. */
function statusOf(gateway: string): SubscriptionStatus {
  if (gateway === 'active') return 'ACTIVE';
  if (gateway === 'trialing') return 'TRIAL';
  if (gateway === 'canceled' || gateway === 'incomplete_expired') return 'CANCELLED';
  return 'PAST_DUE';
}

type Mirror = { userId: string; tier: Tier; subscriptionId: string; customerId: string };

/** The mirror row of a gateway subscription, created from the metadata Checkout put on it. */
async function mirrorFor(
  trx: Kysely<Database>,
  subscriptionId: string | null,
  customerId: string | null,
  metadata: Obj,
): Promise<Mirror | null> {
  if (!subscriptionId) return null;
  const row = await trx
    .selectFrom('payment_subscriptions')
    .select(['user_id', 'tier', 'external_customer_id'])
    .where('external_subscription_id', '=', subscriptionId)
    .executeTakeFirst();
  const metaUser = str(metadata.iama_user_id);
  const metaTier = str(metadata.iama_tier);
  if (row && isTier(row.tier))
    return {
      userId: row.user_id,
      tier: metaTier && isTier(metaTier) ? metaTier : row.tier,
      subscriptionId,
      customerId: row.external_customer_id,
    };
  if (!metaUser || !metaTier || !isTier(metaTier) || !customerId) return null;
  const user = await trx
    .selectFrom('users')
    .select('id')
    .where('id', '=', metaUser)
    .executeTakeFirst();
  if (!user) return null;
  await trx
    .insertInto('payment_subscriptions')
    .values({
      user_id: user.id,
      gateway: 'stripe',
      external_subscription_id: subscriptionId,
      external_customer_id: customerId,
      tier: metaTier,
      status: 'incomplete',
    })
    .onConflict((oc) => oc.column('external_subscription_id').doNothing())
    .execute();
  return { userId: user.id, tier: metaTier, subscriptionId, customerId };
}

async function updateMirror(
  trx: Kysely<Database>,
  m: Mirror,
  eventId: string,
  set: {
    status: string;
    tier?: Tier;
    periodStart?: Date | null;
    periodEnd?: Date | null;
    cancelledAt?: Date | null;
  },
): Promise<void> {
  await trx
    .updateTable('payment_subscriptions')
    .set({
      status: set.status,
      ...(set.tier ? { tier: set.tier } : {}),
      ...(set.periodStart ? { current_period_start: set.periodStart } : {}),
      ...(set.periodEnd ? { current_period_end: set.periodEnd } : {}),
      ...(set.cancelledAt ? { cancelled_at: set.cancelledAt } : {}),
      last_webhook_event_id: eventId,
      updated_at: new Date(),
    })
    .where('external_subscription_id', '=', m.subscriptionId)
    .execute();
}

async function audit(
  trx: Kysely<Database>,
  userId: string | null,
  type: string,
  oldState: string | null,
  newState: string | null,
  metadata: Obj,
): Promise<void> {
  await trx
    .insertInto('audit_events')
    .values({
      actor_id: userId,
      event_type: type,
      surface: 'SYSTEM',
      old_state: oldState,
      new_state: newState,
      metadata: JSON.stringify(metadata),
    })
    .execute();
}

/** Invoice → (subscription id, metadata, period) across API versions (`parent.subscription_details` or top level). */
function invoiceFacts(invoice: Obj) {
  const details = obj(obj(invoice.parent).subscription_details);
  const line = obj((obj(invoice.lines).data as unknown[] | undefined)?.[0]);
  const period = obj(line.period);
  return {
    subscriptionId: str(details.subscription) ?? str(invoice.subscription),
    customerId: str(invoice.customer),
    metadata: obj(details.metadata ?? invoice.subscription_details),
    periodStart: date(period.start) ?? date(invoice.period_start),
    periodEnd: date(period.end) ?? date(invoice.period_end),
    renewal: invoice.billing_reason === 'subscription_cycle',
  };
}

/** Tier from subscription metadata, else from the first item's price via the configured price map. */
function tierOfSubscription(sub: Obj, ctx: BillingContext): Tier | null {
  const meta = str(obj(sub.metadata).iama_tier);
  if (meta && isTier(meta)) return meta;
  const item = obj((obj(sub.items).data as unknown[] | undefined)?.[0]);
  const price = str(obj(item.price).id ?? item.price);
  const entry = Object.entries(ctx.options.tierPrices).find(([, p]) => p === price);
  return entry ? (entry[0] as Tier) : null;
}

async function apply(
  trx: Kysely<Database>,
  ctx: BillingContext,
  event: Stripe.Event,
): Promise<Omit<WebhookOutcome, 'duplicate'>> {
  const o = obj(event.data.object);
  const now = new Date(event.created * 1000);
  switch (event.type) {
    case 'checkout.session.completed': {
      const meta = obj(o.metadata);
      const userId = str(meta.iama_user_id);
      if (
        !userId ||
        !(await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst())
      )
        return { lifecycle: 'ignored', userId: null };
      await lockUserQuota(trx, userId);
      const percent = Number(meta.iama_add_on_percent);
      if (o.mode === 'payment' && (percent === 25 || percent === 50)) {
        if (o.payment_status !== 'paid') return { lifecycle: 'ignored', userId };
        const sub = await currentSubscription(trx, userId, now);
        const { inserted } = await recordAddOn(
          trx,
          userId,
          { start: sub.cycleStart, end: sub.cycleEnd },
          percent,
        );
        await audit(trx, userId, 'billing.add_on_granted', null, `+${percent}%`, {
          gateway_event_id: event.id,
          add_on_percent: percent,
          cycle_start: sub.cycleStart.toISOString(),
          inserted,
        });
        return { lifecycle: 'add_on_granted', userId };
      }
      const mirror = await mirrorFor(trx, str(o.subscription), str(o.customer), meta);
      if (!mirror) return { lifecycle: 'ignored', userId };
      await updateMirror(trx, mirror, event.id, { status: 'active', tier: mirror.tier });
      return {
        lifecycle: await syncTier(
          trx,
          mirror,
          'ACTIVE',
          now,
          null,
          null,
          event.id,
          'payment_succeeded',
        ),
        userId,
      };
    }
    case 'invoice.paid':
    case 'invoice.payment_succeeded': {
      const f = invoiceFacts(o);
      const mirror = await mirrorFor(trx, f.subscriptionId, f.customerId, f.metadata);
      if (!mirror) return { lifecycle: 'ignored', userId: null };
      await lockUserQuota(trx, mirror.userId);
      await updateMirror(trx, mirror, event.id, {
        status: 'active',
        periodStart: f.periodStart,
        periodEnd: f.periodEnd,
      });
      const lifecycle = f.renewal ? 'subscription_renewed' : 'payment_succeeded';
      return {
        lifecycle: await syncTier(
          trx,
          mirror,
          'ACTIVE',
          now,
          f.periodStart,
          f.periodEnd,
          event.id,
          lifecycle,
        ),
        userId: mirror.userId,
      };
    }
    case 'invoice.payment_failed': {
      const f = invoiceFacts(o);
      const mirror = await mirrorFor(trx, f.subscriptionId, f.customerId, f.metadata);
      if (!mirror) return { lifecycle: 'ignored', userId: null };
      await lockUserQuota(trx, mirror.userId);
      await updateMirror(trx, mirror, event.id, { status: 'past_due' });
      return {
        lifecycle: await syncTier(
          trx,
          mirror,
          'PAST_DUE',
          now,
          null,
          null,
          event.id,
          'payment_failed',
        ),
        userId: mirror.userId,
      };
    }
    case 'customer.subscription.deleted': {
      const mirror = await mirrorFor(trx, str(o.id), str(o.customer), obj(o.metadata));
      if (!mirror) return { lifecycle: 'ignored', userId: null };
      await lockUserQuota(trx, mirror.userId);
      await updateMirror(trx, mirror, event.id, {
        status: 'canceled',
        cancelledAt: date(o.canceled_at) ?? now,
      });
      return {
        lifecycle: await syncTier(
          trx,
          { ...mirror, tier: 'FREE' },
          'CANCELLED',
          now,
          null,
          null,
          event.id,
          'subscription_cancelled',
        ),
        userId: mirror.userId,
      };
    }
    case 'customer.subscription.updated': {
      const mirror = await mirrorFor(trx, str(o.id), str(o.customer), obj(o.metadata));
      if (!mirror) return { lifecycle: 'ignored', userId: null };
      await lockUserQuota(trx, mirror.userId);
      const tier = tierOfSubscription(o, ctx) ?? mirror.tier;
      const gatewayStatus = typeof o.status === 'string' ? o.status : 'active';
      await updateMirror(trx, { ...mirror, tier }, event.id, { status: gatewayStatus, tier });
      return {
        lifecycle: await syncTier(
          trx,
          { ...mirror, tier },
          statusOf(gatewayStatus),
          now,
          null,
          null,
          event.id,
          'subscription_updated',
        ),
        userId: mirror.userId,
      };
    }
    case 'invoice.upcoming': {
      // Before the gateway invoices, report the cycle's overage to its meter (V1-FR-PAY-004).
      const customer = str(o.customer);
      const row = customer
        ? await trx
            .selectFrom('payment_subscriptions')
            .select('user_id')
            .where('external_customer_id', '=', customer)
            .limit(1)
            .executeTakeFirst()
        : undefined;
      if (!row) return { lifecycle: 'ignored', userId: null };
      await lockUserQuota(trx, row.user_id);
      await reportOverageLocked(trx, ctx, row.user_id, now);
      return { lifecycle: 'overage_reported', userId: row.user_id };
    }
    default:
      return { lifecycle: 'ignored', userId: null };
  }
}

/**
 * Writes the entitlement row from the mirror (invariant 16: access control reads only this).
 * A renewal or a new paid period moves the cycle, which resets consumption (V1-FR-PAY-003).
 */
async function syncTier<L extends WebhookOutcome['lifecycle']>(
  trx: Kysely<Database>,
  m: Mirror,
  status: SubscriptionStatus,
  now: Date,
  periodStart: Date | null,
  periodEnd: Date | null,
  eventId: string,
  lifecycle: L,
): Promise<L> {
  const before = await currentSubscription(trx, m.userId, now);
  // A paid upgrade without a period yet starts a fresh cycle now; otherwise the gateway's period wins.
  const upgraded = before.tier !== m.tier && status === 'ACTIVE' && !periodStart;
  const cycleStart = periodStart ?? (upgraded ? now : before.cycleStart);
  const cycleEnd = periodEnd ?? (upgraded ? addMonths(now, 1) : before.cycleEnd);
  await writeSubscriptionTier(trx, m.userId, {
    tier: m.tier,
    status,
    cycleStart,
    cycleEnd,
    externalCustomerId: m.customerId,
    externalSubscriptionId: m.subscriptionId,
  });
  await audit(
    trx,
    m.userId,
    'subscription.tier_synced',
    `${before.tier}:${before.status}`,
    `${m.tier}:${status}`,
    {
      gateway_event_id: eventId,
      lifecycle,
      cycle_start: cycleStart.toISOString(),
      cycle_end: cycleEnd.toISOString(),
    },
  );
  if (cycleStart.getTime() !== before.cycleStart.getTime()) {
    await audit(
      trx,
      m.userId,
      CYCLE_REFRESH_EVENT,
      before.cycleStart.toISOString(),
      cycleStart.toISOString(),
      {
        tier: m.tier,
        old_cycle_start: before.cycleStart.toISOString(),
        old_cycle_end: before.cycleEnd.toISOString(),
        new_cycle_start: cycleStart.toISOString(),
        new_cycle_end: cycleEnd.toISOString(),
        source: 'gateway',
        gateway_event_id: eventId,
      },
    );
  }
  return lifecycle;
}

/**
 * Applies a signature-verified event exactly once (§13 invariant 1): concurrent deliveries of one
 * id serialize on an advisory lock; a delivery whose id is already recorded changes nothing.
 */
export async function handlePaymentEvent(
  db: Kysely<Database>,
  ctx: BillingContext,
  event: Stripe.Event,
): Promise<WebhookOutcome> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`payment-event:${event.id}`}))`.execute(trx);
    const seen = await trx
      .selectFrom('audit_events')
      .select('actor_id')
      .where('event_type', '=', WEBHOOK_PROCESSED_EVENT)
      .where('metadata', '@>', JSON.stringify({ gateway_event_id: event.id }))
      .executeTakeFirst();
    if (seen) return { duplicate: true, lifecycle: 'ignored', userId: seen.actor_id };
    const outcome = await apply(trx, ctx, event);
    await audit(trx, outcome.userId, WEBHOOK_PROCESSED_EVENT, null, null, {
      gateway_event_id: event.id,
      gateway_event_type: event.type,
      lifecycle: outcome.lifecycle,
      gateway: 'stripe',
    });
    return { duplicate: false, ...outcome };
  });
}
