/**
 * @module Admin authentication routes (API_CONTRACT §6): login (password + TOTP header),
 * logout, me, own password change.
 */
import type { FastifyPluginAsync } from 'fastify';
import type {
  AdminChangePasswordRequest,
  AdminLoginRequest,
  AdminMeResponse,
} from '@iama/contracts';
import { requireAdmin } from '../../plugins/admin-auth';
import { adminLogin } from '../../admin/login';
import { changeOwnPassword } from '../../admin/accounts';
import { writeAdminAudit } from '../../admin/audit';
import { parseRequest } from '../../admin/validate';

export const adminAuthRoutes: FastifyPluginAsync = async (app) => {
  const db = app.adminDb;

  app.post('/api/v1/admin/auth/login', async (req) => {
    const headers = parseRequest<{ 'x-iama-otp'?: string }>('admin.login', 'headers', req.headers);
    const body = parseRequest<AdminLoginRequest>('admin.login', 'body', req.body);
    const userAgent =
      typeof req.headers['user-agent'] === 'string'
        ? req.headers['user-agent'].slice(0, 500)
        : null;
    return adminLogin(db, {
      email: body.email,
      password: body.password,
      otp: headers['x-iama-otp'] ?? null,
      ip: req.ip,
      userAgent,
      nowMs: app.adminClock(),
      totpKey: app.adminTotpKey,
    });
  });

  app.post('/api/v1/admin/auth/logout', async (req, reply) => {
    const admin = await requireAdmin(req, undefined, { allowPendingPasswordChange: true });
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('admin_sessions')
        .set({ revoked_at: new Date(app.adminClock()) })
        .where('id', '=', admin.sessionId)
        .execute();
      await writeAdminAudit(trx, {
        actor: { adminId: admin.adminId, role: admin.role },
        eventType: 'admin.logout',
        ip: req.ip,
      });
    });
    return reply.code(204).send();
  });

  app.get('/api/v1/admin/auth/me', async (req): Promise<AdminMeResponse> => {
    const admin = await requireAdmin(req, undefined, { allowPendingPasswordChange: true });
    return {
      admin_id: admin.adminId,
      email: admin.email,
      role: admin.role,
      last_login_at: (admin.lastLoginAt ?? new Date(app.adminClock())).toISOString(),
    };
  });

  app.patch('/api/v1/admin/auth/me/password', async (req, reply) => {
    const admin = await requireAdmin(req, undefined, { allowPendingPasswordChange: true });
    const body = parseRequest<AdminChangePasswordRequest>('admin.changePassword', 'body', req.body);
    await changeOwnPassword(db, admin, body, req.ip);
    return reply.code(204).send();
  });
};
