import { z } from 'zod';

/**
 * Every environment variable the platform's processes read (server, worker, relay,
 * `npm start` and the scripts), checked in one place when a process starts: a value
 * that is not a number where one is expected, negative, out of range or not one of
 * the accepted words is refused with the variable's name, instead of becoming NaN deep
 * inside. Unset or empty means the default.
 */
const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);

const text = () => z.preprocess(unsetIfEmpty, z.string().optional());
const textOr = (fallback: string) => z.preprocess(unsetIfEmpty, z.string().default(fallback));

function numberIn(opts: { min: number; max?: number; integer?: boolean; exclusiveMin?: boolean }, what: string) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^-?\d+(\.\d+)?$/, { error: `expected ${what}` })
      .transform(Number)
      .refine((n) => (opts.exclusiveMin ? n > opts.min : n >= opts.min) && (opts.max === undefined || n <= opts.max) && (!opts.integer || Number.isInteger(n)), { error: `expected ${what}` })
      .optional(),
  );
}
const positive = () => numberIn({ min: 0, exclusiveMin: true }, 'a positive number');
const positiveInt = () => numberIn({ min: 1, integer: true }, 'a positive integer');
const port = () => numberIn({ min: 1, max: 65_535, integer: true }, 'a port from 1 to 65535');
const withDefault = <T extends z.ZodType<number | undefined>>(schema: T, fallback: number) => schema.transform((v) => (v === undefined ? fallback : v));

const ON_OFF: Record<string, boolean> = { on: true, true: true, '1': true, yes: true, off: false, false: false, '0': false, no: false };

export const envSchema = z.object({
  // Where the processes find PostgreSQL and Temporal (npm start sets both for its embedded ones).
  DATABASE_URL: text(),
  TEMPORAL_ADDRESS: text(),
  TEMPORAL_NAMESPACE: textOr('default'),
  TASK_QUEUE: textOr('orders'),
  TEMPORAL_UI_URL: text(),
  // The REST server.
  PORT: withDefault(numberIn({ min: 0, max: 65_535, integer: true }, 'a port from 0 to 65535'), 3_000),
  HOST: textOr('127.0.0.1'),
  /** Pending connections the kernel queues (a flash sale opens thousands at once). */
  LISTEN_BACKLOG: withDefault(positiveInt(), 511),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  DB_POOL_MAX: withDefault(positiveInt(), 10),
  // Configuration and extensions.
  CONFIG_DIR: text(),
  CONFIG_OVERLAY: text(),
  API_KEYS_FILE: text(),
  EXTENSION_MODULES: text(),
  /** Share of ability calls that fail on purpose (fault-injection tests); 0 = none. */
  FAULT_RATE: withDefault(numberIn({ min: 0, max: 1 }, 'a fraction from 0 to 1'), 0),
  // Background services (platform/outbox/services.ts).
  OUTBOX_RELAY: z.preprocess(
    (v) => (typeof v === 'string' ? unsetIfEmpty(v.toLowerCase()) : v),
    z.enum(Object.keys(ON_OFF) as [string, ...string[]], { error: 'expected on or off' }).default('on').transform((v) => ON_OFF[v]),
  ),
  OUTBOX_POLL_MS: withDefault(positive(), 250),
  WEBHOOK_POLL_MS: withDefault(positive(), 500),
  STALE_FREEZE_SECONDS: withDefault(positive(), 900),
  STALE_SCAN_INTERVAL_MS: withDefault(positive(), 30_000),
  ORPHAN_GRACE_SECONDS: withDefault(positive(), 600),
  // Webhook delivery (unset: the dispatcher's defaults).
  WEBHOOK_RETRY_BASE_MS: positive(),
  WEBHOOK_RETRY_MAX_MS: positive(),
  WEBHOOK_MAX_ATTEMPTS: positiveInt(),
  WEBHOOK_TIMEOUT_MS: positive(),
  WEBHOOK_LEASE_MS: positive(),
  /** A prebuilt workflow bundle for the worker (scripts/build-workflow-bundle.ts); unset: dist/'s, else bundled from the sources at start. */
  WORKFLOW_BUNDLE: text(),
  // Worker drain and crash recovery (platform/worker-settings.ts, docs/operations.md).
  WORKER_SHUTDOWN_GRACE_MS: withDefault(positive(), 10_000),
  STICKY_SCHEDULE_TO_START_MS: withDefault(positive(), 10_000),
  /** How long Temporal waits for a worker to finish a workflow task it took before giving it to another (a SIGKILLed worker's task waits this long); Temporal's default. */
  WORKFLOW_TASK_TIMEOUT_MS: withDefault(positive(), 10_000),
  /** The worker's /metrics listener (its own and Temporal's SDK metrics); 0 = off. */
  METRICS_PORT: withDefault(numberIn({ min: 0, max: 65_535, integer: true }, 'a port from 0 to 65535'), 0),
  /** Where the worker's Temporal runtime exports its SDK metrics (127.0.0.1 only; appended to METRICS_PORT's /metrics); 0 = off. */
  TEMPORAL_METRICS_PORT: withDefault(numberIn({ min: 0, max: 65_535, integer: true }, 'a port from 0 to 65535'), 0),
  // Retention (platform/retention/, docs/operations.md): how long rows that only guard
  // against duplicates stay; start-up refuses horizons shorter than what they protect.
  /** How long a client may retry a request with the same Idempotency-Key and get the first answer. */
  IDEMPOTENCY_RETRY_WINDOW_HOURS: withDefault(positive(), 24),
  RETENTION_IDEMPOTENCY_HOURS: withDefault(positive(), 72),
  RETENTION_OUTBOX_HOURS: withDefault(positive(), 168),
  RETENTION_APPLIED_UPDATES_HOURS: withDefault(positive(), 168),
  RETENTION_TCC_FENCE_HOURS: withDefault(positive(), 720),
  RETENTION_WEBHOOK_DELIVERIES_HOURS: withDefault(positive(), 720),
  RETENTION_INTERVAL_MS: withDefault(positive(), 600_000),
  RETENTION_BATCH_SIZE: withDefault(numberIn({ min: 1, max: 10_000, integer: true }, 'an integer from 1 to 10000'), 500),
  // `npm start`: where it keeps its data and which ports its embedded services take.
  DATA_DIR: textOr('data'),
  PG_PORT: withDefault(port(), 5_433),
  TEMPORAL_PORT: withDefault(port(), 7_233),
  TEMPORAL_UI_PORT: withDefault(port(), 8_233),
  TEMPORAL_CLI_PATH: text(),
  /** How old the dashboard's hourly rollup may be when read: within it, readers share one refresh. */
  DASHBOARD_MAX_STALENESS_MS: withDefault(numberIn({ min: 0 }, 'a number of milliseconds, 0 or more'), 5_000),
  /** bcrypt's cost for buyers' passwords (2^cost rounds); 10 takes ~60–100 ms here. */
  BUYER_BCRYPT_COST: withDefault(numberIn({ min: 4, max: 31, integer: true }, 'an integer from 4 to 31'), 10),
});

export type EnvSettings = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment: ${problems.join('; ')}`);
    this.name = 'EnvError';
  }
}

/** The environment, parsed; throws an EnvError naming every variable that is wrong. */
export function envSettings(source: NodeJS.ProcessEnv = process.env): EnvSettings {
  const parsed = envSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  throw new EnvError(parsed.error.issues.map((i) => `${String(i.path[0])}=${JSON.stringify(source[String(i.path[0])])}: ${i.message}`));
}

/** A setting that must be given (the scripts that talk to an existing database). */
export function required<K extends keyof EnvSettings>(settings: EnvSettings, name: K, hint = ''): NonNullable<EnvSettings[K]> {
  const value = settings[name];
  if (value === undefined || value === null) throw new EnvError([`${name} is not set${hint ? ` (${hint})` : ''}`]);
  return value as NonNullable<EnvSettings[K]>;
}

/** The settings of a server or worker process. */
export interface Env {
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  port: number;
  logLevel: string;
}

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const s = envSettings(source);
  const hint = 'npm start sets it for the embedded default';
  return {
    databaseUrl: required(s, 'DATABASE_URL', hint),
    temporalAddress: required(s, 'TEMPORAL_ADDRESS', hint),
    temporalNamespace: s.TEMPORAL_NAMESPACE,
    taskQueue: s.TASK_QUEUE,
    port: s.PORT,
    logLevel: s.LOG_LEVEL,
  };
}
