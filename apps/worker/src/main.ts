/** @module Worker process entry point: the only place that builds the activities' dependencies. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createDb } from '@iama/db';
import { loadAstSupport } from '@iama/patch';
import { createActivities } from './activities';
import { ensureQuotaRefreshSchedule } from './activities/quota-refresh';
import { loadWorkerConfig } from './config';
import { createWorkerRouter, loadRouterConfig } from './llm';
import { createIamaWorker } from './worker';

const config = loadWorkerConfig();
const { db, close } = createDb(config.databaseUrl);
const connection = await NativeConnection.connect({ address: config.temporalAddress });
const clientConnection = await Connection.connect({ address: config.temporalAddress });
try {
  // The IAMA Router is the only path to a model (ARCHITECTURE D2); routes come from dynamic_configs.
  const { router, issueConfirmation } = await createWorkerRouter({
    db,
    config: loadRouterConfig(),
  });
  const worker = await createIamaWorker({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    activities: createActivities({ db, router, issueConfirmation, ast: await loadAstSupport() }),
  });
  // V1-FR-PAY-003: the billing-cycle quota refresh runs as a Temporal Schedule on this queue.
  const client = new Client({ connection: clientConnection, namespace: config.temporalNamespace });
  await ensureQuotaRefreshSchedule(client, { taskQueue: config.taskQueue });
  console.log(JSON.stringify({ level: 'info', msg: 'worker ready', taskQueue: config.taskQueue }));
  // Worker.run() resolves after SIGINT/SIGTERM, once in-flight tasks are drained.
  await worker.run();
} finally {
  await clientConnection.close();
  await connection.close();
  await close();
}
