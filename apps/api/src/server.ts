/** @module API process entry point: builds dependencies, listens, and closes cleanly on SIGTERM/SIGINT. */
import { Client, Connection } from '@temporalio/client';
import { createDb } from '@iama/db';
import { buildApp } from './app';
import { loadBillingOptions } from './billing/config';
import { loadApiConfig } from './config';
import { loggerOptions } from './logger';

const config = loadApiConfig();
const { db, close } = createDb(config.databaseUrl);
const connection = await Connection.connect({ address: config.temporalAddress });
const temporal = new Client({ connection, namespace: config.temporalNamespace });
const app = await buildApp(
  {
    db,
    temporal,
    taskQueue: config.taskQueue,
    healthProbeEnabled: config.healthProbeEnabled,
    jobs: { databaseUrl: config.databaseUrl },
    billing: loadBillingOptions(),
  },
  loggerOptions(config.logLevel),
);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await app.close();
  await connection.close();
  await close();
}
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());

await app.listen({ host: config.host, port: config.port });
