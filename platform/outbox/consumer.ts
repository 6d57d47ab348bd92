import type { Db, Tx } from '../db/knex';

/** An outbox row as consumers see it. */
export interface OutboxEvent {
  id: number;
  aggregateType: string;
  aggregateId: string;
  eventType: string;
  payload: Record<string, any>;
  createdAt: Date;
}

/**
 * Something that reacts to domain events. `handle` runs in a transaction the relay opens
 * for it, together with the consumer's applied-updates row, so an event the relay
 * delivers twice (at least once) takes effect once. A consumer that throws gets the
 * event again later: the relay retries until every consumer has taken it.
 */
export interface OutboxConsumer {
  readonly name: string;
  handle(trx: Tx, event: OutboxEvent): Promise<void>;
}

export function toOutboxEvent(row: any): OutboxEvent {
  return {
    id: Number(row.id),
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    eventType: row.event_type,
    payload: row.payload,
    createdAt: new Date(row.created_at),
  };
}

/**
 * Applies `event` to `consumer` unless it already was: the applied-updates row and the
 * consumer's effect commit together. Returns false for a redelivery.
 */
export async function applyOnce(db: Db, consumer: OutboxConsumer, event: OutboxEvent): Promise<boolean> {
  return db.transaction(async (trx) => {
    // A consumer stuck behind a lock fails and is retried rather than holding the relay.
    await trx.raw(`SET LOCAL lock_timeout = '2s'`);
    const fresh = await trx('applied_updates')
      .insert({ consumer: consumer.name, event_id: event.id })
      .onConflict(['consumer', 'event_id'])
      .ignore()
      .returning('event_id');
    if (fresh.length === 0) return false;
    await consumer.handle(trx, event);
    return true;
  });
}
