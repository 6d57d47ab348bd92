import { proxyActivities, sleep } from '@temporalio/workflow';
import type { FlashSaleActivities } from '../activities/flash-sale.activities';

const acts = proxyActivities<FlashSaleActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * A campaign's durable end: sleeps until the campaign has ended (re-reading its end,
 * which may move before it starts), then settles it — its unsold units go back to the
 * SKU's shelf. Started when the operator creates the campaign, one per campaign.
 */
export async function flashSaleCampaignWorkflow(campaignId: string): Promise<string> {
  for (;;) {
    const endsAt = await acts.flashSaleEndsAt(campaignId);
    if (endsAt === null) return `campaign ${campaignId} does not exist`;
    if (Date.now() >= endsAt) break;
    await sleep(endsAt - Date.now());
  }
  return acts.flashSaleSettle(campaignId);
}
