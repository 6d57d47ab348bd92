/**
 * Flows are captured into an order's workflow input when it starts: an order waiting for
 * payment keeps the flow it started with after the platform is restarted with a changed
 * configuration, while new orders take the new one. The platform here is a worker and
 * server pair of the test's own (its own task queue), stopped and started again with
 * another CONFIG_OVERLAY, against the harness's PostgreSQL and Temporal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDatabase, database, KEYS, makeCoupon, makeSku, makeUser, sku, uid } from '../support/api';
import { callPair, startPair, type Pair } from '../support/platform-pair';

afterAll(closeDatabase);

const SCENE = { channel: 'test-config-change' };
const IDENTITY = `identities:
  lines:
    retail:
      scenarios:
        config-change: COUPONS
  rules:
    - name: the config-change test's orders
      when: { goods: { productType: [physical] }, scene: { channel: [test-config-change] } }
      identity: { bizId: retail, scenario: config-change }
`;
// Before: the retail flows (with coupons). After: the scenario drops coupons from its flows.
const BEFORE = IDENTITY.replace('COUPONS', '{}');
const AFTER = `${IDENTITY.replace('COUPONS', '{ couponsAllowed: false }')}flows:
  retail:
    config-change:
      order.create:
        - order.validate
        - order.draft
        - inventory.reserve
        - order.activate
      order.pay:
        - payment.freeze
        - order.markPaid
        - inventory.commit
        - payment.confirm
      order.timeoutClose: [inventory.release, order.close]
      order.cancel: [inventory.release, payment.refund, order.cancel]
`;

describe('a flow configuration change while an order waits for payment', () => {
  let pair: Pair | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-change-'));
  afterAll(async () => {
    await pair?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the running order on its old flow; new orders run the new one', async () => {
    const before = path.join(dir, 'before.yaml');
    const after = path.join(dir, 'after.yaml');
    fs.writeFileSync(before, BEFORE);
    fs.writeFileSync(after, AFTER);
    const taskQueue = uid('orders-config-change');
    const steps = async (orderId: string) =>
      (await callPair(pair!, 'GET', `/v1/orders/${orderId}/history`, KEYS.retail)).body.events.filter((e: any) => e.kind === 'STEP_COMPLETED').map((e: any) => e.step);
    const payFlow = async () =>
      (await callPair(pair!, 'GET', '/v1/capabilities', KEYS.retail)).body.capabilities
        .find((c: any) => c.scenario === 'config-change')
        .useCases.find((u: any) => u.useCase === 'order.pay')
        .steps.map((s: any) => s.ability);

    pair = await startPair({ name: 'config-before', taskQueue, env: { CONFIG_OVERLAY: before } });
    expect(await payFlow()).toContain('coupon.consume');
    const userId = await makeUser({ balance: 100_000 });
    const skuId = await makeSku({ price: 10_000, stock: 5 });
    const coupon = await makeCoupon({ amountOff: 1_000, quantity: 5 });
    const created = await callPair(pair, 'POST', '/v1/orders', KEYS.retail, { userId, items: [{ skuId, quantity: 1 }], couponCode: coupon, scene: SCENE }, uid('idem'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ scenario: 'config-change', payableAmount: 9_000 });
    const orderId = created.body.orderId;
    expect(await database()('coupons').where({ code: coupon }).first()).toMatchObject({ locked: 1, used: 0 });

    // The configuration changes; the platform restarts with it while the order waits for payment.
    await pair.stop();
    pair = await startPair({ name: 'config-after', taskQueue, env: { CONFIG_OVERLAY: after } });
    expect(await payFlow()).not.toContain('coupon.consume');

    // The waiting order finishes on its old flow: its coupon is consumed, not left locked forever.
    const paid = await callPair(pair, 'POST', `/v1/orders/${orderId}/payments`, KEYS.retail, { method: 'balance' });
    expect(paid.body).toMatchObject({ status: 'PAID', paidAmount: 9_000 });
    expect(await database()('coupons').where({ code: coupon }).first()).toMatchObject({ locked: 0, used: 1 });
    expect(await sku(skuId)).toMatchObject({ reserved: 0, sold: 1 });
    expect((await steps(orderId)).slice(-5)).toEqual(['payment.freeze', 'order.markPaid', 'inventory.commit', 'coupon.consume', 'payment.confirm']);

    // A new order takes the new configuration and flows: no coupons, no coupon steps.
    const refused = await callPair(pair, 'POST', '/v1/orders', KEYS.retail, { userId, items: [{ skuId, quantity: 1 }], couponCode: coupon, scene: SCENE }, uid('idem'));
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('COUPON_NOT_APPLICABLE');
    const fresh = await callPair(pair, 'POST', '/v1/orders', KEYS.retail, { userId, items: [{ skuId, quantity: 1 }], scene: SCENE }, uid('idem'));
    expect(fresh.status).toBe(201);
    await callPair(pair, 'POST', `/v1/orders/${fresh.body.orderId}/payments`, KEYS.retail, { method: 'balance' });
    const freshSteps = await steps(fresh.body.orderId);
    expect(freshSteps).toEqual(['order.validate', 'order.draft', 'inventory.reserve', 'order.activate', 'payment.freeze', 'order.markPaid', 'inventory.commit', 'payment.confirm']);
  });
});
