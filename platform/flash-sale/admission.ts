import { RateLimiter, TokenBucket } from '../domain/flash-sale';

/**
 * The in-memory layers that refuse an attempt before it reaches the database. Each
 * only ever refuses; the database decides every win.
 */

/**
 * A campaign's rate limits per buyer and in total, as this server's share of the
 * cluster-wide rates (1/N with N live servers). A new rate or share starts from full buckets.
 */
export class CampaignRateLimits {
  private users = new RateLimiter(1);
  private total = new TokenBucket(1, 1, 0);
  private sizedFor = '';

  allow(rates: { userRequestsPerSecond: number; campaignRequestsPerSecond: number }, share: number, userId: string, now: number): boolean {
    const sizedFor = `${rates.userRequestsPerSecond}/${rates.campaignRequestsPerSecond}/${share}`;
    if (sizedFor !== this.sizedFor) {
      const perUser = rates.userRequestsPerSecond * share;
      const perCampaign = rates.campaignRequestsPerSecond * share;
      this.users = new RateLimiter(perUser, Math.max(1, perUser));
      this.total = new TokenBucket(perCampaign, Math.max(1, perCampaign), now);
      this.sizedFor = sizedFor;
    }
    return this.users.allow(userId, now) && this.total.take(now);
  }
}

/**
 * Set when a batch saw no unit left with every stock row locked. It expires after
 * `recheckMs` so units coming back (unpaid orders) are sold again, by whichever server
 * looks first.
 */
export class SoldOutFlag {
  private until = 0;

  constructor(private readonly recheckMs: number) {}

  set(now: number): void {
    this.until = now + this.recheckMs;
  }

  isSet(now: number): boolean {
    return now < this.until;
  }
}

/**
 * Buyers the database recently found at the per-user limit: refused locally for
 * `memoryMs` before the database is asked again. At most ~10,000 are remembered
 * beyond their expiry (expired ones are dropped when it grows that large).
 */
export class LimitMemory {
  private readonly atLimitUntil = new Map<string, number>();

  constructor(private readonly memoryMs: number) {}

  remember(userId: string, now: number): void {
    if (this.atLimitUntil.size >= 10_000) for (const [user, until] of this.atLimitUntil) if (until <= now) this.atLimitUntil.delete(user);
    this.atLimitUntil.set(userId, now + this.memoryMs);
  }

  isAtLimit(userId: string, now: number): boolean {
    return (this.atLimitUntil.get(userId) ?? 0) > now;
  }
}
