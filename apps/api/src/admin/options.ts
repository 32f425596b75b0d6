/**
 * @module Settings of the operator, support and telemetry surface, from the environment unless
 * the caller (tests, `buildApp` deps) passes them.
 */
import { bootstrapAdminFromEnv, type BootstrapAdminConfig } from './bootstrap';

export type OperatorOptions = {
  /** Bootstrap SUPER_ADMIN created idempotently when the app starts. */
  bootstrap?: BootstrapAdminConfig | null;
  /** LiteLLM Proxy probed by the health dashboard (`LITELLM_BASE_URL`). */
  liteLlmBaseUrl?: string | null;
  /** Clock for session expiry and TOTP (tests shift it). */
  now?: () => number;
};

export function operatorOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): OperatorOptions {
  return { bootstrap: bootstrapAdminFromEnv(env), liteLlmBaseUrl: env.LITELLM_BASE_URL ?? null };
}
