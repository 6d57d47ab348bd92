import { setTimeout } from 'node:timers/promises';
import type { Logger } from './logger';
import { withLogContext } from './logging/log-context';

export interface Loop {
  stop(): Promise<void>;
}

/**
 * Runs `tick` forever: again at once while it reports work done (to catch up), after
 * `intervalMs` when it found nothing, and after a pause when it failed (logged; a
 * database blip must not kill the process). `stop()` waits for the current tick.
 */
export function startLoop(name: string, intervalMs: number, tick: () => Promise<number>, log?: Logger): Loop {
  let stopped = false;
  const stopping = new AbortController();
  // A pause that stop() cuts short.
  const sleep = (ms: number) => setTimeout(ms, undefined, { signal: stopping.signal }).catch(() => undefined);
  const done = (async () => {
    while (!stopped) {
      let worked = 0;
      try {
        worked = await withLogContext({ loop: name }, tick);
      } catch (err) {
        log?.warn({ loop: name, err: (err as Error)?.message }, 'background loop failed; retrying');
        await sleep(Math.max(intervalMs, 1000));
        continue;
      }
      if (worked === 0 && !stopped) await sleep(intervalMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      stopping.abort();
      await done;
    },
  };
}
