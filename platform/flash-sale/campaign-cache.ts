import type { Campaign } from './campaigns';

/** What a process keeps per campaign: built from the campaign, updated when it changes. */
export interface CampaignEntry {
  campaign: Campaign;
  /** Takes a fresh copy of the campaign (rates, limits, layout may have changed). */
  update(campaign: Campaign): void;
  /** Nothing in progress: the entry may be forgotten. */
  idle(): boolean;
}

/**
 * Campaigns in memory, so an attempt costs no query to find its campaign. An entry is
 * re-read in the background every `refreshMs` (the attempt in hand uses the copy it has);
 * concurrent first lookups of one campaign share one query, and an unknown id is looked
 * up at most five times a second. Campaigns that ended more than ten minutes ago are
 * forgotten, so memory stays bounded.
 */
export class CampaignCache<E extends CampaignEntry> {
  private readonly entries = new Map<string, { entry: E; checkedAt: number; refreshing?: Promise<void> }>();
  private readonly loading = new Map<string, Promise<E | undefined>>();
  private lastSweep: number;

  constructor(
    private readonly load: (campaignId: string) => Promise<Campaign | undefined>,
    private readonly build: (campaign: Campaign) => E,
    private readonly refreshMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSweep = now();
  }

  async get(campaignId: string): Promise<E | undefined> {
    const now = this.now();
    if (now - this.lastSweep > 60_000) this.sweep(now);
    const cached = this.entries.get(campaignId);
    if (cached) {
      if (now - cached.checkedAt > this.refreshMs && !cached.refreshing) {
        cached.refreshing = this.refresh(campaignId, cached).finally(() => (cached.refreshing = undefined));
      }
      return cached.entry;
    }
    let loading = this.loading.get(campaignId);
    if (!loading) {
      loading = this.load(campaignId)
        .then((c) => {
          if (!c) return undefined;
          const entry = this.build(c);
          this.entries.set(campaignId, { entry, checkedAt: this.now() });
          return entry;
        })
        .finally(() => setTimeout(() => this.loading.delete(campaignId), 200)); // unknown ids: at most 5 lookups a second
      this.loading.set(campaignId, loading);
    }
    return loading;
  }

  private async refresh(campaignId: string, cached: { entry: E; checkedAt: number }) {
    const c = await this.load(campaignId).catch(() => undefined);
    cached.checkedAt = this.now();
    if (c) cached.entry.update(c);
  }

  private sweep(now: number) {
    this.lastSweep = now;
    for (const [id, { entry }] of this.entries) if (now - entry.campaign.endsAt > 600_000 && entry.idle()) this.entries.delete(id);
  }
}
