import { keyReused } from './answers';
import type { Attempt, AttemptResult } from './reserve';

export interface Won {
  status: 201;
  body: unknown;
  orderId: string;
}

interface Winner {
  hash: string;
  response: unknown;
  orderId: string;
}

/**
 * What this process knows per Idempotency-Key of a campaign: the keys that won here (a
 * retry is answered without a query) and the attempts in flight (concurrent requests
 * with one key share one attempt). A key reused with a different body is refused.
 */
export class AttemptKeys {
  private readonly winners = new Map<string, Winner>();
  private readonly inFlight = new Map<string, { hash: string; promise: Promise<AttemptResult> }>();

  /** The key's 201 if it won on this process. */
  replayWin(key: string, a: Attempt): Won | undefined {
    const known = this.winners.get(key);
    return known && replay(known, a);
  }

  rememberWin(key: string, a: Attempt, response: unknown, orderId: string): Won {
    const won = { hash: a.requestHash, response, orderId };
    this.winners.set(key, won);
    return replay(won, a);
  }

  /** Runs the attempt unless one with this key is running; then its result is shared. */
  once(key: string, a: Attempt, run: () => Promise<AttemptResult>): Promise<AttemptResult> {
    const running = this.inFlight.get(key);
    if (running) {
      if (running.hash !== a.requestHash) throw keyReused();
      return running.promise;
    }
    const promise = run().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, { hash: a.requestHash, promise });
    return promise;
  }

  anyInFlight(): boolean {
    return this.inFlight.size > 0;
  }
}

function replay(won: Winner, a: Attempt): Won {
  if (won.hash !== a.requestHash) throw keyReused();
  return { status: 201, body: won.response, orderId: won.orderId };
}
