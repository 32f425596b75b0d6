/** @module What every auth route needs: the database and the resolved auth settings. */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '@iama/db';
import type { AuthConfig } from '../../auth/config';
import type { ClientInfo } from '../../auth/sessions';

export type AuthRouteContext = { db: Kysely<Database>; config: AuthConfig };

export function clientInfo(req: FastifyRequest): ClientInfo {
  const ua = req.headers['user-agent'];
  return { ip: req.ip || null, userAgent: typeof ua === 'string' ? ua : null };
}

/** Emails compare case-insensitively: one account per mailbox however it is typed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
