import pino from 'pino';

/** Structured JSON logs (pino); one logger per process, tagged with its role. */
export function createLogger(role: string) {
  return pino({ level: process.env.LOG_LEVEL ?? 'info', base: { role } });
}
export type Logger = ReturnType<typeof createLogger>;
