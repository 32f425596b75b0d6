/**
 * @module Builds the OpenAPI 3.1 document from `ENDPOINTS` with zod's own JSON Schema output
 * (`z.toJSONSchema`). Pure: `scripts/openapi.ts` writes or checks `docs/api/openapi.json`.
 * Shared DTOs, every per-code error body and every request/response body become named
 * components; error statuses are `oneOf` the bodies of the codes the route may return.
 */
import { z } from 'zod';
import {
  errorBodySchemaFor,
  errorEnvelopeSchema,
  ERROR_CATALOGUE,
  type ErrorCode,
} from '../errors';
import {
  bddItemApiSchema,
  failedTestSchema,
  fileDiffSchema,
  jobSchema,
  sddItemApiSchema,
  tierSchema,
  workflowStateSchema,
} from './common';
import type { Endpoint } from './endpoint';
import { ENDPOINTS } from './endpoints';
import { jobEventSchema } from './jobs-logs';
import { usageSummarySchema } from './subscription';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const REF = '#/components/schemas/';
const pascal = (s: string) =>
  s.replace(/(^|[._\-\s])([a-z0-9])/gi, (_m, _sep, c: string) => c.toUpperCase());
const codeComponent = (code: ErrorCode) =>
  `${pascal(code.toLowerCase())}${code.endsWith('_ERROR') ? '' : 'Error'}`;

/** Named because the contract names them (`Job`, `FileDiff`, ...) or because many routes share them. */
const NAMED: ReadonlyArray<[string, z.ZodType]> = [
  ['ErrorEnvelope', errorEnvelopeSchema],
  ['Job', jobSchema],
  ['WorkflowState', workflowStateSchema],
  ['Tier', tierSchema],
  ['BddItem', bddItemApiSchema],
  ['SddItem', sddItemApiSchema],
  ['FileDiff', fileDiffSchema],
  ['FailedTest', failedTestSchema],
  ['UsageSummary', usageSummarySchema],
  ['JobEvent', jobEventSchema],
];

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  302: 'Found',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

/** Adds a schema under `name` unless it already has one; returns the name it is known by. */
function register(
  reg: z.core.$ZodRegistry<{ id: string }>,
  names: Map<z.ZodType, string>,
  schema: z.ZodType,
  name: string,
): string {
  const known = names.get(schema);
  if (known) return known;
  reg.add(schema, { id: name });
  names.set(schema, name);
  return name;
}

function convertRegistry(
  reg: z.core.$ZodRegistry<{ id: string }>,
  io: 'input' | 'output',
): Record<string, JsonObject> {
  const out = z.toJSONSchema(reg, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'throw',
    uri: (id) => `${REF}${id}`,
  }) as {
    schemas: Record<string, JsonObject>;
  };
  for (const schema of Object.values(out.schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return out.schemas;
}

function parameters(e: Endpoint): JsonObject[] {
  const parts: Array<['path' | 'query' | 'header', z.ZodObject | undefined]> = [
    ['path', e.request.params],
    ['query', e.request.query],
    ['header', e.request.headers],
  ];
  const out: JsonObject[] = [];
  for (const [where, schema] of parts) {
    if (!schema) continue;
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' }) as {
      properties?: Record<string, JsonObject>;
      required?: string[];
    };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: prop,
      });
    }
  }
  return out;
}

const security = (e: Endpoint): Json => {
  switch (e.auth) {
    case 'none':
      return [];
    case 'user':
      return [{ userBearer: [] }];
    case 'admin':
      return [{ adminSession: [] }];
    case 'webhook':
      return [
        { [e.path.includes('/github') ? 'githubWebhookSignature' : 'paymentWebhookSignature']: [] },
      ];
  }
};

/**
 * @example buildOpenApiDocument().openapi // '3.1.0'
 */
export function buildOpenApiDocument(
  endpoints: readonly Endpoint[] = ENDPOINTS,
): JsonObject & { openapi: '3.1.0' } {
  const outReg = z.registry<{ id: string }>();
  const inReg = z.registry<{ id: string }>();
  const outNames = new Map<z.ZodType, string>();
  const inNames = new Map<z.ZodType, string>();

  for (const [name, schema] of NAMED) register(outReg, outNames, schema, name);
  const codes = [...new Set(endpoints.flatMap((e) => e.errorCodes))].sort();
  for (const code of codes)
    register(outReg, outNames, errorBodySchemaFor(code), codeComponent(code));

  const operations: Array<{
    e: Endpoint;
    body?: string;
    responses: Record<number, string | null>;
  }> = [];
  for (const e of endpoints) {
    const op: (typeof operations)[number] = { e, responses: {} };
    if (e.request.body)
      op.body = register(inReg, inNames, e.request.body, `${pascal(e.id)}Request`);
    for (const [status, schema] of Object.entries(e.responses)) {
      const s = Number(status);
      if (s >= 400 || schema === null) continue;
      op.responses[s] = register(
        outReg,
        outNames,
        schema,
        `${pascal(e.id)}Response${s === 200 ? '' : s}`,
      );
    }
    operations.push(op);
  }

  const schemas = { ...convertRegistry(outReg, 'output'), ...convertRegistry(inReg, 'input') };
  const paths: Record<string, JsonObject> = {};
  for (const { e, body, responses } of [...operations].sort((a, b) =>
    a.e.path.localeCompare(b.e.path),
  )) {
    const path = e.path.replace(/:([a-z_]+)/g, '{$1}');
    const res: JsonObject = {};
    for (const status of Object.keys(e.responses)
      .map(Number)
      .sort((a, b) => a - b)) {
      const description = STATUS_TEXT[status] ?? String(status);
      if (status >= 400) {
        const refs = e.errorCodes
          .filter((c) => ERROR_CATALOGUE[c].httpStatus === status)
          .map((c) => ({ $ref: `${REF}${codeComponent(c)}` }));
        res[status] = {
          description,
          content: {
            'application/json': { schema: refs.length === 1 ? refs[0]! : { oneOf: refs } },
          },
        };
      } else if (responses[status]) {
        const media = e.sse ? 'text/event-stream' : 'application/json';
        res[status] = {
          description,
          content: { [media]: { schema: { $ref: `${REF}${responses[status]}` } } },
        };
      } else {
        res[status] =
          status >= 300 && status < 400
            ? { description, headers: { Location: { required: true, schema: { type: 'string' } } } }
            : { description };
      }
    }
    const operation: JsonObject = {
      operationId: e.id,
      summary: e.summary,
      tags: [e.id.split('.')[0]!],
      security: security(e),
      parameters: parameters(e),
      ...(body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: { $ref: `${REF}${body}` } } },
            },
          }
        : {}),
      responses: res,
      'x-iama-source': e.source,
      'x-iama-requirement-ids': [...e.requirementIds],
      ...(e.adminRoles ? { 'x-iama-admin-roles': [...e.adminRoles] } : {}),
      ...(e.permission ? { 'x-iama-permission': e.permission } : {}),
      ...(e.fieldErrorCodes
        ? { 'x-iama-field-error-codes': { ...e.fieldErrorCodes } as JsonObject }
        : {}),
    };
    paths[path] = { ...(paths[path] ?? {}), [e.method.toLowerCase()]: operation };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'IAMA API',
      version: '1.0.0',
      description:
        'Generated from ENDPOINTS in @iama/contracts (npm run openapi). Source: spec/DEV/API_CONTRACT.md and docs/api/ADDITIONS.md.',
    },
    servers: [{ url: 'https://api.iama.dev' }],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        userBearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Product user access token (API_CONTRACT §1).',
        },
        adminSession: {
          type: 'http',
          scheme: 'bearer',
          description: 'Opaque admin_sessions token, 8 h, no refresh (API_CONTRACT §6).',
        },
        githubWebhookSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Hub-Signature-256',
          description: 'HMAC of the body with the GitHub App webhook secret (API_CONTRACT §8).',
        },
        paymentWebhookSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'Stripe-Signature',
          description: 'Payment gateway signature with the webhook secret (API_CONTRACT §5).',
        },
      },
    },
  };
}
