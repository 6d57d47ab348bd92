import type { Db } from '../db/knex';
import type { DeliveryRow, EndpointRow } from './rows';

/**
 * Queues a given-up (FAILED) or cancelled delivery again, due now, with a fresh retry
 * budget: for a merchant whose endpoint was down longer than the schedule lasted.
 * Returns the row, or why it cannot be resent.
 */
export async function resendDelivery(db: Db, deliveryId: number): Promise<{ row?: DeliveryRow; refused?: string }> {
  return db.transaction(async (trx) => {
    const d = await trx<DeliveryRow>('webhook_deliveries').where({ delivery_id: deliveryId }).forUpdate().first();
    if (!d) return {};
    if (d.status !== 'FAILED' && d.status !== 'CANCELLED') return { row: d, refused: `the delivery is ${d.status}; only FAILED or CANCELLED deliveries are resent` };
    const endpoint = await trx<EndpointRow>('webhook_endpoints').where({ biz_id: d.biz_id }).first('enabled');
    if (!endpoint?.enabled) return { row: d, refused: `${d.biz_id} has no enabled webhook endpoint to send to` };
    const [row] = (await trx<DeliveryRow>('webhook_deliveries')
      .where({ delivery_id: deliveryId })
      .update({ status: 'PENDING', next_attempt_at: trx.fn.now(), attempts_at_resend: d.attempts, resends: d.resends + 1 })
      .returning('*')) as DeliveryRow[];
    return { row };
  });
}
