import { envSettings } from './env';
/**
 * Fault injection for the fault test (and for anyone who wants to watch the platform
 * survive): with FAULT_RATE=r (0 ≤ r < 1) a worker fails each activity and each outbox
 * consumer call with probability r, half of the time BEFORE the work (nothing happened)
 * and half AFTER it committed (the effect is there but the caller sees a failure) — the
 * two cases a retry must handle. The failure is an ordinary retryable error, so Temporal
 * and the relay retry it through the same path a real fault takes. Off (0) by default.
 */
export class InjectedFault extends Error {
  constructor(where: string, when: 'before' | 'after') {
    super(`injected fault ${when} ${where}`);
    this.name = 'InjectedFault';
  }
}

export interface FaultInjector {
  readonly rate: number;
  /** How many faults this process injected so far. */
  readonly injected: number;
  /** Runs `work`, failing before or after it at the configured rate. */
  around<T>(where: string, work: () => Promise<T>): Promise<T>;
}

export function faultInjector(rate: number, random: () => number = Math.random, onInject?: (fault: InjectedFault) => void): FaultInjector {
  if (!Number.isFinite(rate) || rate < 0 || rate >= 1) throw new Error(`FAULT_RATE must be a number in [0, 1), not ${rate}`);
  let injected = 0;
  const fail = (where: string, when: 'before' | 'after') => {
    injected += 1;
    const fault = new InjectedFault(where, when);
    onInject?.(fault);
    throw fault;
  };
  return {
    rate,
    get injected() {
      return injected;
    },
    async around(where, work) {
      if (rate === 0) return work();
      const roll = random();
      if (roll < rate / 2) fail(where, 'before');
      const result = await work();
      if (roll >= rate / 2 && roll < rate) fail(where, 'after');
      return result;
    },
  };
}

/** FAULT_RATE from the environment (unset or empty: no faults). */
export function faultInjectorFromEnv(onInject?: (fault: InjectedFault) => void): FaultInjector {
  return faultInjector(envSettings().FAULT_RATE, Math.random, onInject);
}

export const NO_FAULTS: FaultInjector = faultInjector(0);
