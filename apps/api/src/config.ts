/** @module API configuration from the environment, validated once at start-up. */
export type ApiConfig = {
  host: string;
  port: number;
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  logLevel: string;
  /** Enables the operational `/health/probe` round trip (dev stack and tests only). */
  healthProbeEnabled: boolean;
};

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const missing = ['DATABASE_URL', 'TEMPORAL_ADDRESS'].filter((k) => !env[k]);
  if (missing.length) throw new Error(`api: missing ${missing.join(', ')}; start it through \`npm run dev\` or set them`);
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`api: PORT must be a TCP port, got ${env.PORT}`);
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    databaseUrl: env.DATABASE_URL!,
    temporalAddress: env.TEMPORAL_ADDRESS!,
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'iama-refactor',
    logLevel: env.LOG_LEVEL ?? 'info',
    healthProbeEnabled: env.IAMA_HEALTH_PROBE === '1',
  };
}
