/**
 * @module Operator control routes (API_CONTRACT §6): user 360, quota adjustment, kill switch,
 * config store, health dashboard; and the audit viewer (ADDITIONS.md). Each route authorises
 * against the §19 matrix before it reads its input.
 */
import type { FastifyPluginAsync } from 'fastify';
import type {
  AdjustQuotaRequest,
  AdminAuditQuery,
  KillSwitchRequest,
  PutConfigRequest,
} from '@iama/contracts';
import { requireAdmin } from '../../plugins/admin-auth';
import { can, requiredRole } from '../../admin/rbac';
import { ApiError } from '../../errors';
import { user360 } from '../../admin/user-360';
import { adjustQuota } from '../../admin/quota-adjust';
import { setKillSwitch } from '../../admin/kill-switch';
import { listConfig, putConfig } from '../../admin/config-store';
import { systemHealth } from '../../admin/health';
import { listAuditEvents } from '../../admin/audit-viewer';
import { parseRequest } from '../../admin/validate';
import type { ApiMetrics } from '../../admin/api-metrics';

export type OperatorRouteOptions = { metrics: ApiMetrics; liteLlmBaseUrl: string | null };

export const adminOperatorRoutes: FastifyPluginAsync<OperatorRouteOptions> = async (app, opts) => {
  const db = app.adminDb;

  app.get('/api/v1/admin/users/:user_id', async (req) => {
    const admin = await requireAdmin(req, 'user360.read');
    const { user_id } = parseRequest<{ user_id: string }>('admin.user360', 'params', req.params);
    return user360(db, admin, user_id, req.ip);
  });

  app.patch('/api/v1/admin/quota/:user_id', async (req) => {
    const admin = await requireAdmin(req, 'quota.adjust');
    const { user_id } = parseRequest<{ user_id: string }>(
      'admin.adjustQuota',
      'params',
      req.params,
    );
    const body = parseRequest<AdjustQuotaRequest>('admin.adjustQuota', 'body', req.body);
    return adjustQuota(db, admin, user_id, body, req.ip);
  });

  app.post('/api/v1/admin/kill-switch', async (req) => {
    // Every role may hold some kill switch; the scope decides which (DB_SCHEMA §19).
    const admin = await requireAdmin(req, 'kill_switch.user');
    const body = parseRequest<KillSwitchRequest>('admin.killSwitch', 'body', req.body);
    if (body.scope === 'GLOBAL' && !can(admin.role, 'kill_switch.global')) {
      throw new ApiError(
        'ROLE_INSUFFICIENT',
        'The global kill switch requires ENGINEER or SUPER_ADMIN',
        { permission: 'kill_switch.global' },
        { required_role: requiredRole('kill_switch.global') },
      );
    }
    return setKillSwitch(db, admin, body, req.ip);
  });

  app.get('/api/v1/admin/config', async (req) => {
    await requireAdmin(req, 'config.read');
    return listConfig(db);
  });

  app.put('/api/v1/admin/config/:key', async (req) => {
    // The key's own permission (e.g. api_key_ref: SUPER_ADMIN) is checked by putConfig.
    const admin = await requireAdmin(req, 'config.read');
    const { key } = parseRequest<{ key: string }>('admin.putConfig', 'params', req.params);
    const body = parseRequest<PutConfigRequest>('admin.putConfig', 'body', req.body);
    return putConfig(db, admin, key, body, req.ip);
  });

  app.get('/api/v1/admin/health', async (req) => {
    await requireAdmin(req, 'health.read');
    return systemHealth({ db, metrics: opts.metrics, liteLlmBaseUrl: opts.liteLlmBaseUrl });
  });

  app.get('/api/v1/admin/audit-events', async (req) => {
    const admin = await requireAdmin(req, 'audit.read_own');
    const query = parseRequest<AdminAuditQuery>('admin.auditEvents', 'query', req.query);
    if (query.scope === 'ALL' && !can(admin.role, 'audit.read_all')) {
      throw new ApiError(
        'ROLE_INSUFFICIENT',
        'The audit log of all users requires ENGINEER or SUPER_ADMIN',
        { permission: 'audit.read_all' },
        { required_role: requiredRole('audit.read_all') },
      );
    }
    return listAuditEvents(db, query, query.scope === 'ALL' ? null : admin.adminId);
  });
};
