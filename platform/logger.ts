import pino from 'pino';
import { envSettings } from './env';

/** Structured JSON logs (pino); one logger per process, tagged with its role. */
export function createLogger(role: string) {
  return pino({ level: envSettings().LOG_LEVEL, base: { role } });
}
export type Logger = ReturnType<typeof createLogger>;
