/**
 * @module Test support: a migrated scratch database per test file on the shared test stack's
 * PostgreSQL, so tests of different helpers never see each other's rows, and an app on it.
 * @example const t = await createTestApp(); after(() => t.close());
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { connectClient, createDb, migrate, withDatabase, type Db } from '@iama/db';
import { requireTestStack } from '@iama/devstack';
import { buildApp, type AppDeps } from '../../src/app';

export type ScratchDb = Db & { url: string; drop(): Promise<void> };

/** Creates `iama_t_<random>`, migrates it to the latest version, and drops it on `drop()`. */
export async function createScratchDb(
  serverUrl = requireTestStack().databaseUrl,
): Promise<ScratchDb> {
  const name = `iama_t_${randomBytes(8).toString('hex')}`;
  const admin = await connectClient(serverUrl);
  try {
    await admin.query(`create database ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  await migrate(url, { direction: 'up' });
  const handle = createDb(url);
  return {
    ...handle,
    url,
    drop: async () => {
      await handle.close();
      const a = await connectClient(serverUrl);
      try {
        await a.query(`drop database if exists ${a.escapeIdentifier(name)} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

export type TestApp = { app: FastifyInstance; scratch: ScratchDb; close(): Promise<void> };

/**
 * `buildApp` on a fresh scratch database. Temporal is connected lazily (only tests that start
 * workflows touch it).
 */
export async function createTestApp(overrides: Partial<AppDeps> = {}): Promise<TestApp> {
  const env = requireTestStack();
  const scratch = await createScratchDb(env.databaseUrl);
  const connection = Connection.lazy({ address: env.temporalAddress });
  const app = await buildApp({
    db: scratch.db,
    temporal: new Client({ connection }),
    taskQueue: `test-${randomBytes(6).toString('hex')}`,
    healthProbeEnabled: false,
    ...overrides,
  });
  return {
    app,
    scratch,
    close: async () => {
      await app.close();
      await connection.close();
      await scratch.drop();
    },
  };
}
