/**
 * @module Test support: a local stand-in for GitHub's and Google's OAuth servers (the real ones
 * are unreachable from the build machines), speaking their documented HTTP shapes so the API's
 * provider adapter runs unchanged over real HTTP. Each issued code maps to a scripted account.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeAccount = {
  id: string;
  login?: string;
  email: string | null;
  verified: boolean;
};

export type FakeProvider = {
  baseUrl: string;
  /** Registers an authorization code that yields `account`; returns the code. */
  issueCode(provider: 'GITHUB' | 'GOOGLE', account: FakeAccount): string;
  /** `redirect_uri` values the token endpoint received. */
  redirectUris: string[];
  close(): Promise<void>;
};

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeOauthProvider(
  clientId: string,
  clientSecret: string,
): Promise<FakeProvider> {
  const codes = new Map<string, { provider: 'GITHUB' | 'GOOGLE'; account: FakeAccount }>();
  const tokens = new Map<string, FakeAccount>();
  const redirectUris: string[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const bearer = () => tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (
        req.method === 'POST' &&
        (url.pathname === '/login/oauth/access_token' || url.pathname === '/token')
      ) {
        const form = new URLSearchParams(await body(req));
        redirectUris.push(form.get('redirect_uri') ?? '');
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const github = url.pathname === '/login/oauth/access_token';
        if (
          !grant ||
          form.get('client_id') !== clientId ||
          form.get('client_secret') !== clientSecret ||
          grant.provider !== (github ? 'GITHUB' : 'GOOGLE')
        )
          // GitHub reports a bad code with 200 and an `error` field; Google with 400.
          return github
            ? json(200, { error: 'bad_verification_code' })
            : json(400, { error: 'invalid_grant' });
        const token = `tok-${++n}`;
        tokens.set(token, grant.account);
        return json(
          200,
          github
            ? { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' }
            : { access_token: token, token_type: 'Bearer', scope: 'openid email profile' },
        );
      }
      const account = bearer();
      if (!account) return json(401, { message: 'Bad credentials' });
      if (url.pathname === '/user')
        return json(200, {
          id: Number(account.id),
          login: account.login ?? `u${account.id}`,
          email: null,
        });
      if (url.pathname === '/user/emails')
        return json(
          200,
          account.email
            ? [{ email: account.email, primary: true, verified: account.verified }]
            : [],
        );
      if (url.pathname === '/v1/userinfo')
        return json(200, {
          sub: account.id,
          ...(account.email ? { email: account.email, email_verified: account.verified } : {}),
        });
      return json(404, { message: 'Not Found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    issueCode(provider, account) {
      const code = `code-${++n}`;
      codes.set(code, { provider, account });
      return code;
    },
    redirectUris,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
