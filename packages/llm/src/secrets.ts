/**
 * @module Secrets providers for `api_key_ref` values (DB_SCHEMA §8.1 and invariant 19: config
 * rows hold a reference, never the key; SERVICE_ARCHITECTURE §8.2). Errors name the reference,
 * never a value.
 */
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import type { SecretsProvider } from './ports';

export class SecretNotFoundError extends Error {
  override readonly name = 'SecretNotFoundError';
  constructor(readonly ref: string) {
    super(`secret ${JSON.stringify(ref)} is not available`);
  }
}

/**
 * The environment variable an `api_key_ref` names: `env:NAME` / `os.environ/NAME` directly, a
 * secrets-manager path by its last segment upper-cased — the same rule as the LiteLLM config
 * generator (`@iama/devstack/litellm` `apiKeyEnvVar`; a test keeps the two in step).
 * @example envVarOf('secrets/litellm/minimax_api_key') // 'MINIMAX_API_KEY'
 */
export function envVarOf(ref: string): string {
  const direct = /^(?:env:|os\.environ\/)(.+)$/.exec(ref);
  return (direct ? direct[1]! : (ref.split('/').filter(Boolean).pop() ?? ''))
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toUpperCase();
}

/**
 * Reads secrets from environment variables.
 * @example await envSecrets().resolve('env:LITELLM_MASTER_KEY')
 */
export function envSecrets(env: NodeJS.ProcessEnv = process.env): SecretsProvider {
  return {
    resolve: async (ref) => {
      const value = env[envVarOf(ref)];
      if (!value) throw new SecretNotFoundError(ref);
      return value;
    },
  };
}

/**
 * Reads secrets from files under `dir` (mounted secrets, e.g. Kubernetes): `secrets/litellm/x`
 * → `<dir>/secrets/litellm/x`, trailing newline trimmed. References cannot leave `dir`.
 * @example await fileSecrets('/run/secrets').resolve('secrets/litellm/minimax_api_key')
 */
export function fileSecrets(dir: string): SecretsProvider {
  return {
    resolve: async (ref) => {
      const rel = normalize(ref.replace(/^file:/, ''));
      if (rel.startsWith('..') || rel.startsWith('/')) throw new SecretNotFoundError(ref);
      try {
        const value = (await readFile(join(dir, rel), 'utf8')).replace(/\r?\n$/, '');
        if (!value) throw new SecretNotFoundError(ref);
        return value;
      } catch (err) {
        if (err instanceof SecretNotFoundError) throw err;
        throw new SecretNotFoundError(ref);
      }
    },
  };
}

/**
 * The first provider that has the secret wins.
 * @example chainSecrets(fileSecrets('/run/secrets'), envSecrets())
 */
export function chainSecrets(...providers: SecretsProvider[]): SecretsProvider {
  return {
    resolve: async (ref) => {
      for (const p of providers) {
        try {
          return await p.resolve(ref);
        } catch (err) {
          if (!(err instanceof SecretNotFoundError)) throw err;
        }
      }
      throw new SecretNotFoundError(ref);
    },
  };
}
