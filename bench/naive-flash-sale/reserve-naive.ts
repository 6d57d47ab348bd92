import type { Db } from '../../platform/db/knex';
import { AppError } from '../../platform/errors/app-error';
import { answerRefusals, keyOf, RECORDED_REFUSALS, resultOf, storedAnswers } from '../../platform/flash-sale/answers';
import type { Campaign } from '../../platform/flash-sale/campaigns';
import {
  claimAllowance,
  existingUsers,
  limitExceeded,
  soldOut,
  userNotFound,
  writeWinners,
  type Attempt,
  type AttemptResult,
  type OrderTemplate,
} from '../../platform/flash-sale/reserve';

/**
 * The baseline: what one writes without a hot-path design — a transaction per request
 * that starts with a conditional UPDATE of the campaign's single hot stock row, and (to
 * keep the same contract) a write per refusal for its key. The winner's rows are the
 * product's own (writeWinners), so both sides write the same order.
 */
export async function reserveNaive(db: Db, campaign: Campaign, template: OrderTemplate, attempt: Attempt): Promise<AttemptResult> {
  try {
    return await db.transaction(async (trx) => {
      const answered = (await storedAnswers(trx, campaign.campaignId, [attempt])).get(keyOf(attempt));
      if (answered) return resultOf(answered, attempt);
      const updated = await trx('flash_sale_stock')
        .where({ campaign_id: campaign.campaignId, bucket: 0 })
        .andWhereRaw('stock - reserved - sold >= ?', [attempt.quantity])
        .increment('reserved', attempt.quantity);
      if (updated === 0) throw soldOut();
      if (!(await existingUsers(trx, [attempt])).has(attempt.userId)) throw userNotFound(attempt.userId);
      if (!(await claimAllowance(trx, campaign, [attempt])).has(attempt.userId)) throw limitExceeded(campaign.perUserLimit);
      const [result] = await writeWinners(trx, campaign, template, [{ attempt, takes: { 0: attempt.quantity } }]);
      return result;
    });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (!RECORDED_REFUSALS.has(err.code)) return { kind: 'refused', error: err };
    const [answer] = await answerRefusals(db, campaign.campaignId, [{ attempt, error: err }]);
    return answer;
  }
}
