/** @module Admin account management routes (API_CONTRACT §6, SUPER_ADMIN only) and TOTP enrolment (ADDITIONS.md). */
import type { FastifyPluginAsync } from 'fastify';
import type { CreateAdminAccountRequest, UpdateAdminAccountRequest } from '@iama/contracts';
import { requireAdmin } from '../../plugins/admin-auth';
import {
  createAdminAccount,
  enrolAdminTotp,
  listAdminAccounts,
  resetAdminPassword,
  updateAdminAccount,
} from '../../admin/accounts';
import { parseRequest } from '../../admin/validate';

export const adminAccountRoutes: FastifyPluginAsync = async (app) => {
  const db = app.adminDb;

  app.get('/api/v1/admin/accounts', async (req) => {
    await requireAdmin(req, 'admin_accounts.manage');
    return listAdminAccounts(db);
  });

  app.post('/api/v1/admin/accounts', async (req, reply) => {
    const admin = await requireAdmin(req, 'admin_accounts.manage');
    const body = parseRequest<CreateAdminAccountRequest>('admin.createAccount', 'body', req.body);
    return reply.code(201).send(await createAdminAccount(db, admin, body, req.ip));
  });

  app.patch('/api/v1/admin/accounts/:admin_id', async (req) => {
    const admin = await requireAdmin(req, 'admin_accounts.manage');
    const { admin_id } = parseRequest<{ admin_id: string }>(
      'admin.updateAccount',
      'params',
      req.params,
    );
    const body = parseRequest<UpdateAdminAccountRequest>('admin.updateAccount', 'body', req.body);
    return updateAdminAccount(db, admin, admin_id, body, req.ip);
  });

  app.post('/api/v1/admin/accounts/:admin_id/reset-password', async (req) => {
    const admin = await requireAdmin(req, 'admin_accounts.manage');
    const { admin_id } = parseRequest<{ admin_id: string }>(
      'admin.resetPassword',
      'params',
      req.params,
    );
    return resetAdminPassword(db, admin, admin_id, req.ip, app.adminClock());
  });

  app.post('/api/v1/admin/accounts/:admin_id/totp', async (req) => {
    const admin = await requireAdmin(req, 'admin_accounts.manage');
    const { admin_id } = parseRequest<{ admin_id: string }>(
      'admin.enrolTotp',
      'params',
      req.params,
    );
    return enrolAdminTotp(db, admin, admin_id, req.ip, app.adminTotpKey);
  });
};
