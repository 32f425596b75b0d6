/**
 * @module A local fake of the few Stripe API endpoints IAMA calls (issue #5, V1-FR-PAY-001/004/005):
 * customers, prices, Checkout Sessions, Billing Portal sessions and billing meter events. The
 * official SDK is pointed at it with `host`/`port`/`protocol`. It keeps what it was sent so tests
 * can assert on it; it is a stand-in for the gateway in tests and the offline demo, nothing else.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeForm, type FormValue } from './form';

export type FakePrice = {
  id: string;
  unitAmount: number;
  currency?: string;
  recurring?: boolean;
  metadata?: Record<string, string>;
};

export type RecordedStripeRequest = {
  method: string;
  path: string;
  body: Record<string, FormValue>;
  idempotencyKey: string | null;
};

export type StripeFake = {
  /** `http://127.0.0.1:<port>` */
  url: string;
  host: string;
  port: number;
  /** Every API request received, in order. */
  requests: RecordedStripeRequest[];
  /** Objects created, by id. */
  objects: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
};

export type StripeFakeOptions = { port?: number; prices?: FakePrice[] };

const id = (prefix: string) => `${prefix}_fake${randomBytes(8).toString('hex')}`;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
  res.end(JSON.stringify(body));
}

function stripeError(res: ServerResponse, status: number, message: string, param?: string): void {
  send(res, status, {
    error: { type: 'invalid_request_error', message, ...(param ? { param } : {}) },
  });
}

const str = (v: FormValue | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;

export async function startStripeFake(opts: StripeFakeOptions = {}): Promise<StripeFake> {
  const requests: RecordedStripeRequest[] = [];
  const objects = new Map<string, Record<string, unknown>>();
  const created = () => Math.floor(Date.now() / 1000);
  for (const p of opts.prices ?? []) {
    objects.set(p.id, {
      id: p.id,
      object: 'price',
      active: true,
      currency: p.currency ?? 'usd',
      unit_amount: p.unitAmount,
      type: p.recurring === false ? 'one_time' : 'recurring',
      recurring: p.recurring === false ? null : { interval: 'month', interval_count: 1 },
      metadata: p.metadata ?? {},
      livemode: false,
    });
  }
  // Idempotent POSTs answer the first response again, as the real API does.
  const idempotent = new Map<string, unknown>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      const body = decodeForm(Buffer.concat(chunks).toString('utf8'));
      const key =
        typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
      if (!/^Bearer sk_test_/.test(req.headers.authorization ?? ''))
        return send(res, 401, {
          error: { type: 'invalid_request_error', message: 'Invalid API Key provided' },
        });
      requests.push({ method, path: url.pathname, body, idempotencyKey: key });
      if (method === 'POST' && key && idempotent.has(key))
        return send(res, 200, idempotent.get(key));
      const ok = (obj: Record<string, unknown>) => {
        if (typeof obj.id === 'string') objects.set(obj.id, obj);
        if (method === 'POST' && key) idempotent.set(key, obj);
        send(res, 200, obj);
      };
      const path = url.pathname;
      if (method === 'POST' && path === '/v1/customers') {
        return ok({
          id: id('cus'),
          object: 'customer',
          created: created(),
          email: str(body.email) ?? null,
          metadata: body.metadata ?? {},
          livemode: false,
        });
      }
      const priceMatch = /^\/v1\/prices\/([^/]+)$/.exec(path);
      if (method === 'GET' && priceMatch) {
        const price = objects.get(decodeURIComponent(priceMatch[1]!));
        return price
          ? send(res, 200, price)
          : stripeError(res, 404, `No such price: '${priceMatch[1]}'`, 'id');
      }
      if (method === 'POST' && path === '/v1/checkout/sessions') {
        const items = Array.isArray(body.line_items) ? body.line_items : [];
        for (const item of items) {
          const price = str((item as Record<string, FormValue>).price);
          if (!price || !objects.has(price))
            return stripeError(res, 400, `No such price: '${price}'`, 'line_items');
        }
        const sessionId = id('cs');
        return ok({
          id: sessionId,
          object: 'checkout.session',
          mode: str(body.mode) ?? 'payment',
          customer: str(body.customer) ?? null,
          client_reference_id: str(body.client_reference_id) ?? null,
          metadata: body.metadata ?? {},
          success_url: str(body.success_url) ?? null,
          cancel_url: str(body.cancel_url) ?? null,
          status: 'open',
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/checkout/${sessionId}`,
          livemode: false,
        });
      }
      if (method === 'POST' && path === '/v1/billing_portal/sessions') {
        const customer = str(body.customer);
        if (!customer || !objects.has(customer))
          return stripeError(res, 400, `No such customer: '${customer}'`, 'customer');
        const sessionId = id('bps');
        return ok({
          id: sessionId,
          object: 'billing_portal.session',
          customer,
          return_url: str(body.return_url) ?? null,
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/portal/${sessionId}`,
          livemode: false,
        });
      }
      if (method === 'POST' && path === '/v1/billing/meter_events') {
        if (!str(body.event_name))
          return stripeError(res, 400, 'Missing required param: event_name.', 'event_name');
        return ok({
          object: 'billing.meter_event',
          event_name: str(body.event_name),
          identifier: str(body.identifier) ?? id('mev'),
          payload: body.payload ?? {},
          timestamp: created(),
          livemode: false,
        });
      }
      stripeError(res, 404, `Unrecognized request URL (${method}: ${path}).`);
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    requests,
    objects,
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      ),
  };
}
