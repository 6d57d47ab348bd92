import { setTimeout as sleep } from 'node:timers/promises';

/** Reads until `done` holds or the time is up; says which, with the last value read. */
export async function within<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number): Promise<{ ok: boolean; last: T }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const last = await read();
    if (done(last)) return { ok: true, last };
    if (Date.now() > until) return { ok: false, last };
    await sleep(250);
  }
}

/** Polls until `check` passes (for effects of timers), failing with the last value read after `timeoutMs`. */
export async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const { ok, last } = await within(read, check, timeoutMs);
  if (!ok) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
  return last;
}
