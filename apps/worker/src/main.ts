/** @module Worker process entry point: the only place that builds the activities' dependencies. */
import { NativeConnection } from '@temporalio/worker';
import { createDb } from '@iama/db';
import { createActivities } from './activities';
import { loadWorkerConfig } from './config';
import { createIamaWorker } from './worker';

const config = loadWorkerConfig();
const { db, close } = createDb(config.databaseUrl);
const connection = await NativeConnection.connect({ address: config.temporalAddress });
try {
  const worker = await createIamaWorker({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    activities: createActivities({ db }),
  });
  console.log(JSON.stringify({ level: 'info', msg: 'worker ready', taskQueue: config.taskQueue }));
  // Worker.run() resolves after SIGINT/SIGTERM, once in-flight tasks are drained.
  await worker.run();
} finally {
  await connection.close();
  await close();
}
