/**
 * @module `POST /api/v1/webhooks/payment` (API_CONTRACT §5, §13 invariant 1; V1-FR-PAY-002): the
 * raw body is verified with the Stripe SDK against the webhook secret before anything is read;
 * a bad or missing signature is `INVALID_CREDENTIALS` and writes nothing (docs/api/ADDITIONS.md).
 */
import type { FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import { paymentWebhookBodySchema } from '@iama/contracts';
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import { handlePaymentEvent } from '../../billing/webhook';
import type { BillingContext } from '../../billing/config';
import { ApiError } from '../../errors';
import { parsePart } from '../../jobs/request';

export async function paymentWebhookRoute(
  app: FastifyInstance,
  db: Kysely<Database>,
  ctx: BillingContext,
): Promise<void> {
  // Signatures cover the exact bytes, so this scope keeps every body as a Buffer.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post('/api/v1/webhooks/payment', async (req, reply) => {
      const signature = req.headers['stripe-signature'];
      if (typeof signature !== 'string' || !Buffer.isBuffer(req.body))
        throw new ApiError('INVALID_CREDENTIALS', 'Missing webhook signature');
      let event: Stripe.Event;
      try {
        event = ctx.stripe.webhooks.constructEvent(
          req.body,
          signature,
          ctx.options.webhookSecret,
          ctx.options.toleranceSeconds,
        );
      } catch (err) {
        if (err instanceof Stripe.errors.StripeSignatureVerificationError)
          throw new ApiError('INVALID_CREDENTIALS', 'Invalid webhook signature');
        throw new ApiError('VALIDATION_FAILED', 'Webhook body is not a JSON event', {
          part: 'body',
        });
      }
      parsePart('billing.paymentWebhook', 'body', paymentWebhookBodySchema, event);
      const outcome = await handlePaymentEvent(db, ctx, event);
      req.log.info(
        {
          gateway_event_id: event.id,
          type: event.type,
          lifecycle: outcome.lifecycle,
          duplicate: outcome.duplicate,
        },
        'payment webhook',
      );
      return reply.code(200).send();
    });
  });
}
