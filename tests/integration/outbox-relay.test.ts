import { createDb, type Db } from '../../platform/db/knex';
import { faultInjector } from '../../platform/faults';
import type { OutboxConsumer } from '../../platform/outbox/consumer';
import { OutboxRelay } from '../../platform/outbox/relay';
import { CONSUMERS } from '../../platform/outbox/services';
import { WebhookDispatcher } from '../../platform/webhooks/dispatcher';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { closeDatabase, database, uid } from '../support/api';
import { killWorker, startWorker, testEnv } from '../support/test-env';

afterAll(closeDatabase);

/**
 * Several relays racing over the same outbox, with consumers failing before and after
 * their work commits, deliver every event and apply it exactly once per consumer. The
 * worker (whose own relay would compete for the events) is stopped meanwhile.
 */
describe('the outbox relay', () => {
  let pools: Db[] = [];
  beforeAll(async () => {
    await killWorker('SIGTERM');
    await database().raw(`CREATE TABLE IF NOT EXISTS relay_test_effects (consumer text NOT NULL, event_id bigint NOT NULL)`);
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
    await startWorker();
  });

  it('delivers each event at least once and the consumers apply it once, with 4 relays and injected faults', async () => {
    const db = database();
    const tag = uid('relay');
    const ids: number[] = (await db('outbox')
      .insert(Array.from({ length: 300 }, (_, i) => ({ aggregate_type: 'relay-test', aggregate_id: tag, event_type: 'Tick', payload: { i } })))
      .returning('id')).map((r: any) => Number(r.id));

    // A consumer whose effect we can count: one row per time it really ran.
    const counting = (name: string): OutboxConsumer => ({
      name,
      async handle(trx, event) {
        if (event.aggregateType === 'relay-test' && event.aggregateId === tag) await trx('relay_test_effects').insert({ consumer: name, event_id: event.id });
      },
    });
    const consumers = [...CONSUMERS, counting(`${tag}-a`), counting(`${tag}-b`)];
    pools = Array.from({ length: 4 }, () => createDb(testEnv().databaseUrl, 3));
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const relays = pools.map((p, i) => new OutboxRelay(p, consumers, { batchSize: 25, baseBackoffMs: 20, maxBackoffMs: 200, faults: i % 2 === 0 ? faultInjector(0.3, random) : undefined }));

    const totals = { published: 0, failed: 0, redelivered: 0 };
    const until = Date.now() + 60_000;
    for (;;) {
      const results = await Promise.all(relays.map((r) => r.runOnce()));
      for (const b of results) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += b[k];
      const left = await db('outbox').whereIn('id', ids).whereNull('published_at').count({ n: '*' });
      if (Number(left[0].n) === 0) break;
      if (Date.now() > until) throw new Error(`${left[0].n} events still unpublished`);
      await new Promise((r) => setTimeout(r, 50));
    }

    const effects = await db('relay_test_effects').whereIn('event_id', ids).select('consumer', 'event_id');
    for (const consumer of [`${tag}-a`, `${tag}-b`]) {
      const seen = effects.filter((e: any) => e.consumer === consumer).map((e: any) => Number(e.event_id)).sort((a: number, b: number) => a - b);
      expect(seen).toEqual([...ids].sort((a, b) => a - b)); // every event, each once
    }
    // Faults after a commit made the relay deliver again; the applied-updates rows absorbed it.
    expect(totals.failed).toBeGreaterThan(0);
    expect(totals.redelivered).toBeGreaterThan(0);
    const applied = await db('applied_updates').whereIn('event_id', ids).where('consumer', `${tag}-a`).count({ n: '*' });
    expect(Number(applied[0].n)).toBe(300);
    const retried = await db('outbox').whereIn('id', ids).where('attempts', '>', 1).count({ n: '*' });
    expect(Number(retried[0].n)).toBeGreaterThan(0);
  });

  it('a relay that dies after its consumers committed leaves the event to be delivered again, harmlessly', async () => {
    const db = database();
    const tag = uid('crash');
    const [row] = await db('outbox').insert({ aggregate_type: 'relay-test', aggregate_id: tag, event_type: 'Tick', payload: {} }).returning('id');
    const id = Number(row.id);
    const consumer: OutboxConsumer = {
      name: `${tag}-c`,
      async handle(trx, event) {
        if (event.aggregateId === tag) await trx('relay_test_effects').insert({ consumer: `${tag}-c`, event_id: event.id });
      },
    };
    // The first relay fails after the first consumer committed and before publishing — what a SIGKILL
    // between the two would leave behind.
    const doomed = createDb(testEnv().databaseUrl, 3);
    pools.push(doomed);
    const dying = new OutboxRelay(doomed, [consumer, { name: `${tag}-killer`, handle: async () => { throw new Error('process killed'); } }]);
    await dying.runOnce();
    expect((await db('outbox').where({ id }).first()).published_at).toBeNull();
    await db('outbox').where({ id }).update({ next_attempt_at: null });

    await new OutboxRelay(pools[0], [consumer]).drain();
    expect((await db('outbox').where({ id }).first()).published_at).not.toBeNull();
    expect(await db('relay_test_effects').where({ event_id: id })).toHaveLength(1);
  });

  /** Webhook deliveries of made-up events of the used-car line, straight into the table. */
  async function deliveries(n: number, tag: string) {
    const rows = await database()('webhook_deliveries')
      .insert(Array.from({ length: n }, (_, i) => ({ event_id: -1 - Math.floor(Math.random() * 1e12) - i, biz_id: 'used-car', order_id: `${tag}-${i}`, event_type: 'Tick', url: 'http://unused', body: { eventId: `${tag}-${i}`, type: 'Tick' } })))
      .returning('delivery_id');
    return rows.map((r: any) => Number(r.delivery_id));
  }

  it('webhook dispatchers share the work: 3 racing dispatchers send each delivery once', async () => {
    const receiver = await startWebhookReceiver();
    try {
      await database()('webhook_endpoints').insert({ biz_id: 'used-car', url: receiver.url, enabled: true }).onConflict('biz_id').merge({ url: receiver.url, enabled: true });
      const ids = await deliveries(60, uid('wh'));
      const dispatchers = pools.slice(0, 3).map((p) => new WebhookDispatcher(p, { batchSize: 7 }));
      for (let round = 0; round < 30; round++) if ((await Promise.all(dispatchers.map((d) => d.runOnce()))).every((n) => n === 0)) break;
      const rows = await database()('webhook_deliveries').whereIn('delivery_id', ids);
      expect(rows.filter((r: any) => !(r.status === 'DELIVERED' && r.attempts === 1)).map((r: any) => `${r.delivery_id}: ${r.status} after ${r.attempts} attempt(s)`)).toEqual([]);
      expect(receiver.received).toHaveLength(60);
      expect(new Set(receiver.received.map((r) => r.body.eventId)).size).toBe(60);
    } finally {
      await database()('webhook_endpoints').where({ biz_id: 'used-car' }).update({ enabled: false });
      await receiver.close();
    }
  });

  it('gives a failing endpoint up after the last attempt of its growing schedule, and cancels deliveries of a disabled endpoint', async () => {
    const receiver = await startWebhookReceiver();
    receiver.respond = () => 500;
    try {
      await database()('webhook_endpoints').insert({ biz_id: 'used-car', url: receiver.url, enabled: true }).onConflict('biz_id').merge({ url: receiver.url, enabled: true });
      const [id] = await deliveries(1, uid('wh'));
      const dispatcher = new WebhookDispatcher(pools[0], { baseDelayMs: 200, maxAttempts: 4 });
      const row = () => database()('webhook_deliveries').where({ delivery_id: id }).first();
      const until = Date.now() + 20_000;
      while ((await row()).status === 'PENDING' && Date.now() < until) {
        await dispatcher.runOnce();
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await row()).toMatchObject({ status: 'FAILED', attempts: 4, last_status_code: 500, last_error: 'HTTP 500' });
      const at = (await database()('webhook_attempts').where({ delivery_id: id }).orderBy('attempt_no')).map((a: any) => new Date(a.at).getTime());
      const gaps = [at[1] - at[0], at[2] - at[1], at[3] - at[2]];
      expect(gaps[0]).toBeGreaterThanOrEqual(190); // 200 ms, 400 ms, 800 ms
      expect(gaps[1]).toBeGreaterThanOrEqual(390);
      expect(gaps[2]).toBeGreaterThanOrEqual(790);
      expect(receiver.received).toHaveLength(4);

      await database()('webhook_endpoints').where({ biz_id: 'used-car' }).update({ enabled: false });
      const [later] = await deliveries(1, uid('wh'));
      await dispatcher.runOnce();
      expect(await database()('webhook_deliveries').where({ delivery_id: later }).first()).toMatchObject({ status: 'CANCELLED', attempts: 0 });
      expect(receiver.received).toHaveLength(4);
    } finally {
      await database()('webhook_endpoints').where({ biz_id: 'used-car' }).update({ enabled: false });
      await receiver.close();
    }
  });
});
