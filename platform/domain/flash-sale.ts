/**
 * The pure parts of a flash sale: the campaign's phase, splitting its stock over
 * buckets, giving locked bucket units to attempts in arrival order, and token-bucket
 * rate limiting. No I/O, so each rule is unit-tested on its own.
 */

export type CampaignPhase = 'SCHEDULED' | 'ACTIVE' | 'ENDED';

/** A campaign sells from startsAt (inclusive) to endsAt (exclusive). */
export function phaseAt(c: { startsAt: number; endsAt: number }, now: number): CampaignPhase {
  if (now < c.startsAt) return 'SCHEDULED';
  return now < c.endsAt ? 'ACTIVE' : 'ENDED';
}

/** Splits `stock` units over `buckets` rows as evenly as possible (the first ones get the remainder). */
export function splitStock(stock: number, buckets: number): number[] {
  const base = Math.floor(stock / buckets);
  return Array.from({ length: buckets }, (_, i) => base + (i < stock % buckets ? 1 : 0));
}

/** Units taken per bucket, e.g. { 0: 1 } or, for an attempt spanning buckets, { 2: 1, 5: 1 }. */
export type Takes = Record<number, number>;

/**
 * Gives units of the locked buckets to attempts in arrival order: each attempt takes its
 * whole quantity from one bucket if one has it, else spread over several, else nothing
 * (sold out for it; smaller later attempts may still be served). `available` is updated.
 */
export function allocate(available: Map<number, number>, quantities: number[]): (Takes | null)[] {
  return quantities.map((q) => {
    const total = [...available.values()].reduce((a, b) => a + b, 0);
    if (total < q) return null;
    const single = [...available.entries()].find(([, units]) => units >= q);
    if (single) {
      available.set(single[0], single[1] - q);
      return { [single[0]]: q };
    }
    const takes: Takes = {};
    let left = q;
    for (const [bucket, units] of available) {
      if (left === 0) break;
      const take = Math.min(units, left);
      if (take === 0) continue;
      takes[bucket] = take;
      available.set(bucket, units - take);
      left -= take;
    }
    return takes;
  });
}

/** Adds up takes per bucket (for one UPDATE per bucket). */
export function sumTakes(all: Takes[]): Map<number, number> {
  const sums = new Map<number, number>();
  for (const takes of all) for (const [b, q] of Object.entries(takes)) sums.set(Number(b), (sums.get(Number(b)) ?? 0) + q);
  return sums;
}

/** A token bucket: `ratePerSecond` tokens per second, at most `burst` saved up. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(private readonly ratePerSecond: number, private readonly burst: number, now: number) {
    this.tokens = burst;
    this.at = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.ratePerSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether the bucket has refilled completely (nothing to remember about its key). */
  isFull(now: number): boolean {
    return this.tokens + ((now - this.at) / 1000) * this.ratePerSecond >= this.burst;
  }
}

/** Token buckets by key, forgetting keys whose bucket has refilled (memory stays bounded by the active keys). */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private lastSweep = 0;

  constructor(private readonly ratePerSecond: number, private readonly burst = Math.max(1, ratePerSecond)) {}

  allow(key: string, now: number): boolean {
    if (now - this.lastSweep > 5_000) this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.ratePerSecond, this.burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  size(): number {
    return this.buckets.size;
  }

  private sweep(now: number) {
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }
}
