/**
 * @module Authentication endpoints (API_CONTRACT §2; V1-FR-AUTH-001..004, AGENT.md resolutions
 * 9 and 20). The OAuth callback answers with a redirect, so its 302 has no body.
 */
import { z } from 'zod';
import { isoDateTime, uuid } from './common';
import { defineEndpoint } from './endpoint';

export const oauthInitiateQuerySchema = z.strictObject({
  /** `vscode://` deep-link override; any other scheme is refused so the token cannot leak to a web origin. */
  redirect_uri: z
    .string()
    .regex(/^vscode(-insiders)?:\/\//, 'redirect_uri must be a vscode:// deep link')
    .optional(),
});
export const oauthInitiateResponseSchema = z.strictObject({
  authorization_url: z.url(),
  state_token: z.string().min(16),
});
export type OauthInitiateResponse = z.infer<typeof oauthInitiateResponseSchema>;

/** Loose: providers append their own parameters (Google: `scope`, `authuser`, `prompt`). */
export const oauthCallbackQuerySchema = z.looseObject({
  code: z.string().min(1),
  state: z.string().min(1),
});

export const registerRequestSchema = z.strictObject({
  email: z.email(),
  password: z.string().min(8).max(256),
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;
export const registerResponseSchema = z.strictObject({
  user_id: uuid(),
  email: z.email(),
  created_at: isoDateTime(),
});
export type RegisterResponse = z.infer<typeof registerResponseSchema>;

export const loginRequestSchema = z.strictObject({
  email: z.string().min(1),
  password: z.string().min(1),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;
export const loginResponseSchema = z.strictObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.int().positive(),
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const refreshRequestSchema = z.strictObject({ refresh_token: z.string().min(1) });
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;
export const refreshResponseSchema = z.strictObject({
  access_token: z.string().min(1),
  /** Addition (docs/api/ADDITIONS.md; V1-FR-AUTH-004): the rotated successor of the presented token. */
  refresh_token: z.string().min(1),
  expires_in: z.int().positive(),
});
export type RefreshResponse = z.infer<typeof refreshResponseSchema>;

export const logoutRequestSchema = refreshRequestSchema;
export type LogoutRequest = RefreshRequest;

export const authEndpoints = [
  defineEndpoint({
    id: 'auth.oauthGithubInitiate',
    method: 'GET',
    path: '/api/v1/auth/oauth/github/initiate',
    auth: 'none',
    summary: 'Start GitHub OAuth login for the IDE',
    source: 'API_CONTRACT §2',
    requirementIds: ['V1-FR-AUTH-002'],
    request: { query: oauthInitiateQuerySchema },
    responses: { 200: oauthInitiateResponseSchema },
  }),
  defineEndpoint({
    id: 'auth.oauthGoogleInitiate',
    method: 'GET',
    path: '/api/v1/auth/oauth/google/initiate',
    auth: 'none',
    summary: 'Start Google OAuth login for the IDE',
    source: 'API_CONTRACT §2',
    requirementIds: ['V1-FR-AUTH-002'],
    request: { query: oauthInitiateQuerySchema },
    responses: { 200: oauthInitiateResponseSchema },
  }),
  defineEndpoint({
    id: 'auth.oauthCallback',
    method: 'GET',
    path: '/api/v1/auth/oauth/callback',
    auth: 'none',
    summary: 'OAuth provider callback; redirects to the vscode:// deep link',
    source: 'API_CONTRACT §2',
    requirementIds: ['V1-FR-AUTH-002'],
    request: { query: oauthCallbackQuerySchema },
    responses: { 302: null },
  }),
  defineEndpoint({
    id: 'auth.register',
    method: 'POST',
    path: '/api/v1/auth/register',
    auth: 'none',
    summary: 'Register with email and password',
    source: 'API_CONTRACT §2',
    requirementIds: ['V1-FR-AUTH-001'],
    request: { body: registerRequestSchema },
    responses: { 201: registerResponseSchema },
    errors: ['EMAIL_ALREADY_EXISTS'],
    fieldErrorCodes: { email: 'INVALID_EMAIL', password: 'WEAK_PASSWORD' },
  }),
  defineEndpoint({
    id: 'auth.login',
    method: 'POST',
    path: '/api/v1/auth/login',
    auth: 'none',
    summary: 'Log in with email and password',
    source: 'API_CONTRACT §2',
    requirementIds: ['V1-FR-AUTH-001'],
    request: { body: loginRequestSchema },
    responses: { 200: loginResponseSchema },
    errors: ['INVALID_CREDENTIALS'],
  }),
  defineEndpoint({
    id: 'auth.refresh',
    method: 'POST',
    path: '/api/v1/auth/refresh',
    auth: 'none',
    summary: 'Exchange a refresh token for a new access token',
    source: 'API_CONTRACT §2',
    requirementIds: ['V1-FR-AUTH-004', 'V1-FR-AUTH-003'],
    request: { body: refreshRequestSchema },
    responses: { 200: refreshResponseSchema },
    errors: ['REFRESH_TOKEN_EXPIRED', 'REFRESH_TOKEN_INVALID'],
  }),
  defineEndpoint({
    id: 'auth.logout',
    method: 'POST',
    path: '/api/v1/auth/logout',
    auth: 'user',
    summary: 'Revoke a refresh token',
    source: 'API_CONTRACT §2',
    requirementIds: ['V1-FR-AUTH-001'],
    request: { body: logoutRequestSchema },
    responses: { 204: null },
  }),
];
