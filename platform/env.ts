/** The process settings, read from the environment once. */
export interface Env {
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  port: number;
  logLevel: string;
}

export function readEnv(): Env {
  const databaseUrl = process.env.DATABASE_URL;
  const temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set (npm start sets it for the embedded default)');
  if (!temporalAddress) throw new Error('TEMPORAL_ADDRESS is not set (npm start sets it for the embedded default)');
  return {
    databaseUrl,
    temporalAddress,
    temporalNamespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.TASK_QUEUE ?? 'orders',
    port: Number(process.env.PORT ?? 3000),
    logLevel: process.env.LOG_LEVEL ?? 'info',
  };
}
