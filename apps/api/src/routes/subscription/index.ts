/**
 * @module `GET /api/v1/subscription/me` (API_CONTRACT §3; V1-FR-SUB-001, V1-FR-SUB-004): the
 * caller's tier, entitlements and billing status from `subscription_tiers` — already loaded
 * with the identity, so the answer costs the one authentication query.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { SubscriptionResponse } from '@iama/contracts';
import { requireUser } from '../../plugins/auth';
import { subscriptionView } from '../../entitlements/subscription-view';

export const subscriptionRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/v1/subscription/me', async (req): Promise<SubscriptionResponse> => {
    const user = requireUser(req);
    return subscriptionView(user.tier, user.subscription);
  });
};
