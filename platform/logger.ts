import pino from 'pino';
import { envSettings } from './env';
import { currentLogContext } from './logging/log-context';

/**
 * Structured JSON logs (pino); one logger per process, tagged with its role. Every line
 * carries the ids of the request, activity or background item it was written for
 * (platform/logging/log-context.ts).
 */
export function createLogger(role: string) {
  return pino({ level: envSettings().LOG_LEVEL, base: { role }, mixin: () => ({ ...currentLogContext() }) });
}
export type Logger = ReturnType<typeof createLogger>;
