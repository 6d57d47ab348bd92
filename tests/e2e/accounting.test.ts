import { checkAccounting } from '../../platform/accounting/journal';
import { call, closeDatabase, createdOrder, database, eventually, get, KEYS, makeSku, makeUser, pay, post, uid } from '../support/api';

afterAll(closeDatabase);

const entriesOf = (orderId: string) => database()('accounting_entries').where({ order_id: orderId }).orderBy('entry_id');
const caughtUp = () => eventually(() => checkAccounting(database()), (c) => c.pendingEvents === 0, 30_000);

/**
 * The accounting consumer turns money events into a per-line daily journal that must
 * equal the ledger; it is reliable: a consumer failure is retried until it goes through.
 */
describe('accounting entries from the outbox', () => {
  it('journals the sale and the refund of an order, and the journal equals the ledger', async () => {
    const userId = await makeUser({ balance: 20_000 });
    const skuId = await makeSku({ price: 2_000 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 2 }] });
    await pay(order.orderId);
    const rf = await call('POST', `/v1/orders/${order.orderId}/refunds`, { body: { items: [{ orderItemId: order.items[0].orderItemId, quantity: 1 }], reason: 'damaged' }, idem: uid('rf') });
    await post(`/v1/refunds/${rf.body.refundId}/approve`, {});

    const entries = await eventually(() => entriesOf(order.orderId), (e) => e.length === 2);
    expect(entries.map((e: any) => [e.kind, Number(e.amount), e.biz_id])).toEqual([['SALE', 4_000, 'retail'], ['REFUND', 2_000, 'retail']]);
    const check = await caughtUp();
    expect(check).toMatchObject({ ok: true, inconsistentDays: [] });
    const retail = check.lines.find((l) => l.bizId === 'retail')!;
    expect(retail.journalSales).toBe(retail.ledgerSales);
    expect(retail.merchantBalance).toBe(retail.journalSales - retail.journalRefunds);

    const daily = (await get('/v1/admin/accounting/daily?bizId=retail', KEYS.operator)).body.items;
    expect(daily[0]).toMatchObject({ bizId: 'retail', businessDate: new Date().toISOString().slice(0, 10) });
    expect(daily[0].salesAmount).toBeGreaterThanOrEqual(4_000);
    expect((await get('/v1/admin/accounting/check', KEYS.operator)).body.lines.length).toBeGreaterThan(0);
    expect((await get('/v1/admin/accounting/check', KEYS.retail)).status).toBe(403);
  });

  it('is retried until done when the consumer fails (its table locked past the lock timeout)', async () => {
    const userId = await makeUser({ balance: 20_000 });
    const skuId = await makeSku({ price: 3_000 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    const db = database();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    // Another session holds the journal's daily table: the consumer's upsert times out and fails.
    const holder = db.transaction(async (trx) => {
      await trx.raw('LOCK TABLE accounting_daily IN ACCESS EXCLUSIVE MODE');
      await released;
    });
    try {
      await pay(order.orderId);
      const failing = await eventually(
        () => db('outbox').where({ aggregate_id: order.orderId, event_type: 'PaymentSettled' }).first(),
        (e) => Boolean(e) && e.attempts >= 2 && e.published_at === null,
        30_000,
      );
      expect(failing.last_error).toMatch(/lock timeout/);
      expect(await entriesOf(order.orderId)).toHaveLength(0);
    } finally {
      release();
      await holder;
    }
    const entries = await eventually(() => entriesOf(order.orderId), (e) => e.length === 1, 60_000);
    expect(entries[0]).toMatchObject({ kind: 'SALE', amount: 3_000 });
    expect(await caughtUp()).toMatchObject({ ok: true });
  });

  it('a redelivered event changes the journal once', async () => {
    const userId = await makeUser({ balance: 20_000 });
    const skuId = await makeSku({ price: 1_500 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    await pay(order.orderId);
    const db = database();
    const event = await eventually(() => db('outbox').where({ aggregate_id: order.orderId, event_type: 'PaymentSettled' }).first(), (e) => Boolean(e?.published_at));
    // As if the relay had died after the consumers committed but before marking the event published.
    await db('outbox').where({ id: event.id }).update({ published_at: null, next_attempt_at: null });
    await eventually(() => db('outbox').where({ id: event.id }).first(), (e) => e.published_at !== null);
    expect(await entriesOf(order.orderId)).toHaveLength(1);
    expect(await caughtUp()).toMatchObject({ ok: true });
  });
});
