import { createDb, type Db } from '../../platform/db/knex';
import { newId } from '../../platform/ids';
import { reconcile } from '../../platform/ledger/reconcile';
import { closeDatabase, createdOrder, database, get, KEYS, makeSku, makeUser, pay, post, uid } from '../support/api';
import { abilityInput, registryFor, runStep } from '../support/platform';
import { testEnv } from '../support/test-env';

afterAll(closeDatabase);

describe('the ledger', () => {
  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    const userId = await makeUser({ balance: 1_000 });
    const db = database();
    const entry = await db('account_ledger').where({ account_id: userId }).first();
    await expect(db('account_ledger').where({ entry_id: entry.entry_id }).update({ balance_change: 999_999 })).rejects.toThrow(/append-only/);
    await expect(db('account_ledger').where({ entry_id: entry.entry_id }).del()).rejects.toThrow(/append-only/);
    await expect(db.raw('TRUNCATE account_ledger')).rejects.toThrow(/append-only|cannot truncate/);
    expect(await db('account_ledger').where({ entry_id: entry.entry_id }).first()).toEqual(entry);
  });

  it('reconciliation names an account that drifts from its ledger, by command and operator endpoint', async () => {
    const db = database();
    expect(await reconcile(db)).toMatchObject({ ok: true, drifting: [], unbalancedTxns: [], brokenSequences: [] });
    const drifting = `platform:test-drift-${uid('a')}`;
    // A balance that appeared without a posting: what a bug writing accounts directly would leave.
    await db('accounts').insert({ account_id: drifting, kind: 'platform', balance: 123, version: 0 });
    try {
      const r = await reconcile(db);
      expect(r.ok).toBe(false);
      expect(r.drifting).toEqual([{ accountId: drifting, balance: 123, ledgerBalance: 0, frozen: 0, ledgerFrozen: 0, points: 0, ledgerPoints: 0 }]);
      expect(r.totalMoney - r.openingMoney).toBe(123); // money that came from nowhere
      const api = await get('/v1/admin/reconciliation', KEYS.operator);
      expect(api.body.ok).toBe(false);
      expect(api.body.drifting.map((d: any) => d.accountId)).toEqual([drifting]);
      expect((await get('/v1/admin/reconciliation', KEYS.retail)).status).toBe(403);
    } finally {
      await db('accounts').where({ account_id: drifting }).del();
    }
    expect(await reconcile(db)).toMatchObject({ ok: true, drifting: [], unbalancedTxns: [], brokenSequences: [] });
  });
});

/**
 * Item snapshots are stored once per distinct content. 1,000 orders are drafted through
 * the create path's own steps (order.validate prices them, order.draft writes the order,
 * its items and their snapshots, then order.void retires the draft), concurrently and
 * without a workflow per order so the test stays quick; a few orders also go through the
 * whole API. Then the SKU changes and the next order gets a new snapshot.
 */
describe('item snapshots', () => {
  let pool: Db;
  beforeAll(() => {
    pool = createDb(testEnv().databaseUrl, 8);
  });
  afterAll(() => pool.destroy());

  it('1,000 orders of an unchanged SKU make one snapshot; a changed SKU makes a new one', async () => {
    const registry = registryFor(pool);
    const userId = await makeUser({ balance: 100_000 });
    const skuId = await makeSku({ price: 1_200, stock: 50 });
    const snapshots = () => pool('item_snapshots').where({ sku_id: skuId }).orderBy('created_at');

    const draftOrder = async () => {
      const orderId = newId('ord');
      const row = { order_id: orderId, pay_order_id: `pay-${orderId.slice(4)}`, biz_id: 'retail', scenario: 'default' };
      const request = { userId, items: [{ skuId, quantity: 1 }], scene: { channel: 'app' } };
      const args = { request, payDeadline: Date.now() + 60_000 };
      const validated = await runStep(registry, abilityInput(row, 'order.create', 'order.validate', orderId, args));
      const input = { ...abilityInput(row, 'order.create', 'order.draft', orderId, args), ctx: validated.output! };
      await runStep(registry, input);
      await runStep(registry, { ...input, ability: 'order.void' });
      return orderId;
    };
    const ids: string[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < 1_000) {
        next += 1;
        ids.push(await draftOrder());
      }
    }));
    const viaApi = [];
    for (let i = 0; i < 5; i++) viaApi.push((await createdOrder({ userId, items: [{ skuId, quantity: 1 }] })).orderId);

    expect(ids).toHaveLength(1_000);
    const items = await pool('order_items').whereIn('order_id', [...ids, ...viaApi]).select('snapshot_id');
    expect(items).toHaveLength(1_005);
    const first = await snapshots();
    expect(first).toHaveLength(1);
    expect(new Set(items.map((i: any) => i.snapshot_id))).toEqual(new Set([first[0].snapshot_id]));
    expect(first[0].content).toMatchObject({ skuId, price: 1_200 });

    // The price changes: the next order records what the buyer saw then; earlier orders keep theirs.
    await post('/v1/admin/skus', { skuId, spuId: `spu-${skuId}`, title: `Test ${skuId}`, productType: 'physical', price: 1_350, stock: 50 }, KEYS.operator);
    const changed = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    const after = await snapshots();
    expect(after).toHaveLength(2);
    expect(changed.items[0].snapshotId).toBe(after[1].snapshot_id);
    expect(after[1].content).toMatchObject({ price: 1_350 });
    expect((await get(`/v1/orders/${viaApi[0]}`)).body.items[0].snapshotId).toBe(first[0].snapshot_id);
    expect((await pay(changed.orderId)).body.paidAmount).toBe(1_350);
  });
});
