/**
 * @module Settings of the operator, support and telemetry surface, from the environment unless
 * the caller (tests, `buildApp` deps) passes them.
 */
import { join } from 'node:path';
import { fileTelemetrySink, type TelemetrySink } from '../routes/telemetry/sink';
import { ticketingFromEnv, type TicketingAdapter } from '../routes/support/ticketing';
import { bootstrapAdminFromEnv, type BootstrapAdminConfig } from './bootstrap';
import { totpKeyFromEnv } from './totp-vault';

export type OperatorOptions = {
  /** Bootstrap SUPER_ADMIN created idempotently when the app starts. */
  bootstrap?: BootstrapAdminConfig | null;
  /** LiteLLM Proxy probed by the health dashboard (`LITELLM_BASE_URL`). */
  liteLlmBaseUrl?: string | null;
  /** Clock for session expiry and TOTP (tests shift it). */
  now?: () => number;
  /** Seals TOTP secrets at rest (`IAMA_ADMIN_TOTP_KEY`); `null` stores them as they are. */
  totpKey?: Buffer | null;
  /** Where telemetry events go (not the primary database). */
  telemetrySink?: TelemetrySink;
  /** The ticketing provider of support tickets. */
  ticketing?: TicketingAdapter;
};

export function operatorOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): OperatorOptions {
  return {
    bootstrap: bootstrapAdminFromEnv(env),
    totpKey: totpKeyFromEnv(env),
    liteLlmBaseUrl: env.LITELLM_BASE_URL ?? null,
    // `IAMA_TELEMETRY_DIR`; by default beside the process's working directory data.
    telemetrySink: fileTelemetrySink(
      env.IAMA_TELEMETRY_DIR ?? join(process.cwd(), '.data', 'telemetry'),
    ),
    ticketing: ticketingFromEnv(env),
  };
}
