/** @module Worker configuration from the environment, validated once at start-up (the IAMA Router's own: `loadRouterConfig`). */
import { DEFAULT_TASK_QUEUE } from './task-queue';

export type WorkerConfig = {
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
};

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const missing = ['DATABASE_URL', 'TEMPORAL_ADDRESS'].filter((k) => !env[k]);
  if (missing.length)
    throw new Error(
      `worker: missing ${missing.join(', ')}; start it through \`npm run dev\` or set them`,
    );
  return {
    databaseUrl: env.DATABASE_URL!,
    temporalAddress: env.TEMPORAL_ADDRESS!,
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
  };
}
