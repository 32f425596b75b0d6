/**
 * @module The operator permission matrix (DB_SCHEMA §19, API_CONTRACT §6 and §8.1) as data: one
 * permission per matrix row, plus the two §6 rules the matrix leaves implicit (reading the
 * config store, changing the language matrix). Every admin route asks `can(role, permission)`.
 */
import type { AdminRole } from '@iama/contracts';

export const ADMIN_PERMISSIONS = {
  /** §19 "Manage other admin accounts" (§6 account management: TOTP enrolment included). */
  'admin_accounts.manage': ['SUPER_ADMIN'],
  /** §19 "Change `model.*.api_key_ref`". */
  'config.api_key_ref.write': ['SUPER_ADMIN'],
  /** §19 "Change model routing / API URL / token limits". */
  'config.model_routing.write': ['SUPER_ADMIN', 'ENGINEER'],
  /** §19 "Change tier context caps". */
  'config.tier_context_caps.write': ['SUPER_ADMIN', 'ENGINEER'],
  /** §19 "Feature flags". */
  'config.feature_flags.write': ['SUPER_ADMIN', 'ENGINEER'],
  /** §8.1 "Source language matrix (ENGINEER or SUPER_ADMIN)". */
  'config.language_matrix.write': ['SUPER_ADMIN', 'ENGINEER'],
  /** §6 `GET /admin/config` (SUPER_ADMIN, ENGINEER). */
  'config.read': ['SUPER_ADMIN', 'ENGINEER'],
  /** §19 "Global kill switch" (also `system.kill_switch.*` through the config store, §8.1). */
  'kill_switch.global': ['SUPER_ADMIN', 'ENGINEER'],
  /** §19 "Per-user kill switch". */
  'kill_switch.user': ['SUPER_ADMIN', 'ENGINEER', 'SUPPORT'],
  /** §19 "User 360 view" (ENGINEER read-only: the view has no write). */
  'user360.read': ['SUPER_ADMIN', 'ENGINEER', 'SUPPORT'],
  /** §19 "Manual quota adjustment". */
  'quota.adjust': ['SUPER_ADMIN', 'SUPPORT'],
  /** §19 "System health dashboard". */
  'health.read': ['SUPER_ADMIN', 'ENGINEER'],
  /** §19 "View audit log (all users)". */
  'audit.read_all': ['SUPER_ADMIN', 'ENGINEER'],
  /** §19 "View audit log (own actions only)". */
  'audit.read_own': ['SUPER_ADMIN', 'ENGINEER', 'SUPPORT'],
} as const satisfies Record<string, readonly AdminRole[]>;

export type AdminPermission = keyof typeof ADMIN_PERMISSIONS;

/** @example can('SUPPORT', 'quota.adjust') // true */
export function can(role: AdminRole, permission: AdminPermission): boolean {
  return (ADMIN_PERMISSIONS[permission] as readonly AdminRole[]).includes(role);
}

/**
 * The least-privileged role that holds `permission`: the `required_role` of a
 * `ROLE_INSUFFICIENT` answer (§6 kill-switch 403).
 * @example requiredRole('kill_switch.global') // 'ENGINEER'
 */
export function requiredRole(permission: AdminPermission): AdminRole {
  const roles = ADMIN_PERMISSIONS[permission];
  return roles[roles.length - 1]!;
}
