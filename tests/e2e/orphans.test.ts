import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import path from 'node:path';
import { createAbilityActivities } from '../../activities/ability-activities';
import { loadPlatformConfig } from '../../platform/config/platform-config';
import { repairOrphanedOrders, type OrphanScanDeps } from '../../platform/orders/orphans';
import { orderWorkflowState, workflowIdOf } from '../../platform/orders/workflow-state';
import { closeDatabase, createdOrder, createOrder, database, eventually, get, makeCoupon, makeSku, makeUser, sku } from '../support/api';
import { registryFor } from '../support/platform';
import { killWorker, startWorker, testEnv } from '../support/test-env';

/**
 * Orders whose workflow is gone: an operator terminated it while the order awaited
 * payment. Nothing would ever release its stock and coupon; the orphan scanner closes it
 * through the order's own close flow once the deadline has passed — and leaves alone an
 * overdue order whose workflow still runs (its worker is only down).
 */
describe('the orphaned-order scanner', () => {
  let connection: Connection;
  let client: Client;
  let deps: OrphanScanDeps;
  const status = async (orderId: string) => (await get(`/v1/orders/${orderId}`)).body.status;
  // Other test files' orders share the database: look at what the scan did to ours.
  const scan = async (graceSeconds: number, orderId: string) => (await repairOrphanedOrders(deps, { graceSeconds, limit: 1_000 })).filter((r) => r.orderId === orderId);

  beforeAll(async () => {
    connection = await Connection.connect({ address: testEnv().temporalAddress });
    client = new Client({ connection });
    const db = database();
    const config = loadPlatformConfig(undefined, path.join(testEnv().root, 'tests', 'support', 'config-overlay.yaml'));
    deps = {
      db,
      abilities: createAbilityActivities(registryFor(db)),
      workflowState: (orderId) => orderWorkflowState(client, orderId),
      config,
    };
  });
  afterAll(async () => {
    await connection.close();
    await closeDatabase();
  });

  it('closes an unpaid order whose workflow was terminated: its stock and coupon come back', async () => {
    const userId = await makeUser({ balance: 10_000 });
    const skuId = await makeSku({ price: 2_000, stock: 5 });
    const coupon = await makeCoupon({ amountOff: 100, quantity: 1 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 2 }], couponCode: coupon, channel: 'test-quick' });
    expect(await sku(skuId)).toMatchObject({ stock: 5, reserved: 2 });
    await client.workflow.getHandle(workflowIdOf(order.orderId)).terminate('an operator stopped it');

    // Before the deadline (plus grace) it is not touched; after, it is closed once.
    expect(await scan(3_600, order.orderId)).toEqual([]);
    await sleep(Math.max(0, Date.parse(order.payDeadline) - Date.now()) + 500);
    expect(await scan(0, order.orderId)).toEqual([{ orderId: order.orderId, workflowStatus: 'TERMINATED', steps: ['inventory.release', 'coupon.unlock', 'order.close'] }]);
    expect(await status(order.orderId)).toBe('CLOSED');
    expect(await sku(skuId)).toMatchObject({ stock: 5, reserved: 0, sold: 0 });
    expect((await get(`/v1/orders/${order.orderId}`)).body.notes).toEqual([expect.objectContaining({ kind: 'ORPHAN_CLOSED', workflowStatus: 'TERMINATED' })]);
    expect(await scan(0, order.orderId)).toEqual([]);
    // The coupon (a single one) can be used again.
    const again = await createOrder({ userId, items: [{ skuId, quantity: 1 }], couponCode: coupon });
    expect(again.status).toBe(201);
  });

  it('leaves an overdue order alone while its workflow still runs; the workflow closes it when its worker is back', async () => {
    const userId = await makeUser({ balance: 10_000 });
    const skuId = await makeSku({ price: 1_000, stock: 3 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], channel: 'test-quick' });
    await killWorker('SIGKILL');
    try {
      await sleep(Math.max(0, Date.parse(order.payDeadline) - Date.now()) + 500);
      expect(await scan(0, order.orderId)).toEqual([]);
      expect(await status(order.orderId)).toBe('PENDING_PAYMENT');
    } finally {
      await startWorker();
    }
    await eventually(() => status(order.orderId), (s) => s === 'CLOSED', 60_000);
    expect(await sku(skuId)).toMatchObject({ stock: 3, reserved: 0 });
    expect((await database()('orders').where({ order_id: order.orderId }).first()).notes).toEqual([]);
  }, 120_000);
});
