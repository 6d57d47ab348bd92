import type { Tx } from '../db/knex';

/**
 * Appends a domain event in the caller's transaction: the event exists if and only if
 * the state change it describes committed (transactional outbox).
 */
export async function appendEvent(trx: Tx, aggregateType: string, aggregateId: string, eventType: string, payload: Record<string, unknown>) {
  await trx('outbox').insert({ aggregate_type: aggregateType, aggregate_id: aggregateId, event_type: eventType, payload });
}
