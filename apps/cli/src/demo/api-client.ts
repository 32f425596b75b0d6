/**
 * @module The demo's HTTP client (API_CONTRACT §2, §4): JSON calls with the bearer token a
 * client gets from register + login, failing loudly with the §12 `error_code` otherwise.
 */
import type { LoginResponse } from '@iama/contracts';

export type ApiClient = {
  base: string;
  headers(): Record<string, string>;
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
};

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    what: string,
  ) {
    super(`${what} → ${status} ${errorCode ?? ''}`.trim());
  }
}

export function apiClient(
  base: string,
): ApiClient & { login(email: string, password: string): Promise<void> } {
  let token: string | undefined;
  const headers = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...headers(),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json().catch(() => ({}))) as T & { error_code?: string };
    if (!res.ok) throw new ApiCallError(res.status, json.error_code, `${method} ${path}`);
    return json;
  };
  return {
    base,
    headers,
    call,
    async login(email, password) {
      await call('POST', '/api/v1/auth/register', { email, password });
      token = (await call<LoginResponse>('POST', '/api/v1/auth/login', { email, password }))
        .access_token;
    },
  };
}
