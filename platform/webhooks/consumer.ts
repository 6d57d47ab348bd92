import type { Tx } from '../db/knex';
import type { OutboxConsumer, OutboxEvent } from '../outbox/consumer';

/** Events a merchant is not told about: a voided order never existed for clients. */
const SILENT = new Set(['OrderVoided']);

/**
 * Merchant notifications, step one: turns each order event of a line with an enabled
 * webhook endpoint into a delivery row (deduplicated per event and line). Sending is
 * the dispatcher's job, best effort on a growing retry schedule. Events that happened
 * while a line had no enabled endpoint are not sent later.
 */
export const webhookConsumer: OutboxConsumer = {
  name: 'merchant-webhooks',
  async handle(trx: Tx, event: OutboxEvent) {
    if (event.aggregateType !== 'order' || SILENT.has(event.eventType)) return;
    const bizId: string | undefined = event.payload.bizId ?? (await trx('orders').where({ order_id: event.aggregateId }).first('biz_id'))?.biz_id;
    if (!bizId) return;
    const endpoint = await trx('webhook_endpoints').where({ biz_id: bizId, enabled: true }).first('url');
    if (!endpoint) return;
    await trx('webhook_deliveries')
      .insert({
        event_id: event.id,
        biz_id: bizId,
        order_id: event.aggregateId,
        event_type: event.eventType,
        url: endpoint.url,
        body: webhookBody(event, bizId),
      })
      .onConflict(['event_id', 'biz_id'])
      .ignore();
  },
};

/** What the merchant receives; `eventId` is stable across retries, so the receiver can deduplicate. */
export function webhookBody(event: OutboxEvent, bizId: string) {
  return {
    eventId: String(event.id),
    type: event.eventType,
    occurredAt: event.createdAt.toISOString(),
    bizId,
    orderId: event.aggregateId,
    data: event.payload,
  };
}
