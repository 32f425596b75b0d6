/** @module Scratch databases on the test stack's PostgreSQL server, created and dropped per test. */
import { randomUUID } from 'node:crypto';
import { requireTestStack } from '@iama/devstack';
import { connectClient } from '../src/connect';
import { withDatabase } from '../src/spec-schema';

export async function withScratchDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const { databaseUrl } = requireTestStack();
  const name = `iama_t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = await connectClient(databaseUrl);
  await admin.query(`create database ${name}`);
  try {
    return await fn(withDatabase(databaseUrl, name));
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
