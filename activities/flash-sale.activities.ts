import type { Db } from '../platform/db/knex';
import { campaignEndsAt, settleCampaign } from '../platform/flash-sale/campaigns';

/** The campaign workflow's activities: read its end, settle it. */
export function createFlashSaleActivities(db: Db) {
  return {
    async flashSaleEndsAt(campaignId: string): Promise<number | null> {
      return (await campaignEndsAt(db, campaignId)) ?? null;
    },
    async flashSaleSettle(campaignId: string): Promise<string> {
      return settleCampaign(db, campaignId);
    },
  };
}
export type FlashSaleActivities = ReturnType<typeof createFlashSaleActivities>;
