import { freePort } from '../../platform/infra/wait';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { loadPlatformConfig } from '../../platform/config/platform-config';
import { FlashSaleHotPath } from '../../platform/flash-sale/hot-path';
import { orderTemplate } from '../../platform/flash-sale/reserve';
import { spawnServer } from '../../platform/infra/app-processes';
import type { ManagedProcess } from '../../platform/infra/processes';
import { waitForHttp } from '../../platform/infra/wait';
import { account, call, closeDatabase, createOrder, database, eventually, get, KEYS, makeSku, makeUser, pay, post, sku, uid } from '../support/api';
import { countByOutcome } from '../support/outcomes';
import { testEnv } from '../support/test-env';

afterAll(closeDatabase);

const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();

async function makeCampaign(opts: { stock?: number; skuStock?: number; perUserLimit?: number; startsIn?: number; endsIn?: number; payWindowSeconds?: number; extra?: Record<string, unknown> } = {}) {
  const skuId = await makeSku({ stock: opts.skuStock ?? 1_000, price: 500 });
  const campaignId = uid('fs');
  const r = await post(
    '/v1/admin/flash-sales',
    {
      campaignId,
      skuId,
      stock: opts.stock ?? 10,
      perUserLimit: opts.perUserLimit ?? 1,
      startsAt: iso(opts.startsIn ?? -1_000),
      endsAt: iso(opts.endsIn ?? 3_600_000),
      payWindowSeconds: opts.payWindowSeconds ?? 300,
      ...opts.extra,
    },
    KEYS.operator,
  );
  if (r.status !== 200) throw new Error(`makeCampaign: ${r.status} ${JSON.stringify(r.body)}`);
  return { campaignId, skuId, campaign: r.body };
}

const attempt = (campaignId: string, userId: string, quantity = 1, idem = uid('fsk'), baseUrl?: string) =>
  baseUrl
    ? fetch(`${baseUrl}/v1/flash-sales/${campaignId}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.retail}`, 'idempotency-key': idem },
        body: JSON.stringify({ userId, quantity }),
      }).then(async (res) => ({ status: res.status, body: await res.json() }))
    : call('POST', `/v1/flash-sales/${campaignId}/orders`, { body: { userId, quantity }, idem });

const view = async (campaignId: string) => (await get(`/v1/flash-sales/${campaignId}`)).body;
const users = (n: number) => Promise.all(Array.from({ length: n }, () => makeUser({ balance: 10_000 })));

/** Units held or sold per the reservations, and the campaign's flash-sale orders: what was really sold. */
async function soldInDb(campaignId: string) {
  const db = database();
  const [held] = await db('flash_sale_reservations').where({ campaign_id: campaignId }).whereIn('status', ['HELD', 'SOLD']).sum({ q: 'quantity' });
  const orders = await db('orders').whereRaw(`scene->>'campaignId' = ?`, [campaignId]).whereNotIn('status', ['CLOSED', 'CANCELLED']);
  return { units: Number(held.q ?? 0), orders: orders.length };
}

describe('flash-sale campaigns', () => {
  it('an operator creates a campaign: its units leave the SKU’s sellable stock, and the view adds up', async () => {
    const { campaignId, skuId, campaign } = await makeCampaign({ stock: 30, skuStock: 100, payWindowSeconds: 120 });
    expect(campaign).toMatchObject({ campaignId, skuId, bizId: 'retail', scenario: 'flash-sale', stock: 30, reserved: 0, sold: 0, remaining: 30, status: 'ACTIVE', payWindowSeconds: 120 });
    // Held for the campaign: regular orders cannot sell them; stock + sold unchanged.
    expect(await sku(skuId)).toMatchObject({ stock: 100, reserved: 30, sold: 0 });
    expect(await view(campaignId)).toMatchObject({ stock: 30, reserved: 0, sold: 0, remaining: 30 });
  });

  it('refuses bad set-ups clearly and changes nothing', async () => {
    const skuId = await makeSku({ stock: 5 });
    const body = { campaignId: uid('fs'), skuId, stock: 3, perUserLimit: 1, startsAt: iso(0), endsAt: iso(60_000), payWindowSeconds: 60 };
    expect((await post('/v1/admin/flash-sales', body, KEYS.retail)).status).toBe(403);
    const backwards = await post('/v1/admin/flash-sales', { ...body, endsAt: iso(-60_000) }, KEYS.operator);
    expect(backwards.status).toBe(400);
    const unknownField = await post('/v1/admin/flash-sales', { ...body, price: 1 }, KEYS.operator);
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.details).toEqual([{ field: 'price', message: 'unknown field' }]);
    const tooMany = await post('/v1/admin/flash-sales', { ...body, stock: 6 }, KEYS.operator);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.code).toBe('INSUFFICIENT_STOCK');
    const noSku = await post('/v1/admin/flash-sales', { ...body, skuId: 'sku-missing' }, KEYS.operator);
    expect(noSku.body.error.code).toBe('SKU_NOT_FOUND');
    expect(await sku(skuId)).toMatchObject({ stock: 5, reserved: 0 });
    expect((await get(`/v1/flash-sales/${body.campaignId}`)).status).toBe(404);
  });

  it('is an upsert: the same definition again changes nothing; a running campaign cannot be changed', async () => {
    const { campaignId, skuId } = await makeCampaign({ stock: 4, skuStock: 10 });
    const again = await database()('flash_sale_campaigns').where({ campaign_id: campaignId }).first();
    const body = { campaignId, skuId, stock: 4, perUserLimit: 1, startsAt: new Date(again.starts_at).toISOString(), endsAt: new Date(again.ends_at).toISOString(), payWindowSeconds: 300 };
    expect((await post('/v1/admin/flash-sales', body, KEYS.operator)).status).toBe(200);
    const changed = await post('/v1/admin/flash-sales', { ...body, stock: 5 }, KEYS.operator);
    expect(changed.status).toBe(409);
    expect(await sku(skuId)).toMatchObject({ reserved: 4 });
  });

  it('a campaign that has not started can be changed, its hold following the new stock', async () => {
    const { campaignId, skuId } = await makeCampaign({ stock: 4, skuStock: 10, startsIn: 3_600_000, endsIn: 7_200_000 });
    const body = { campaignId, skuId, stock: 7, perUserLimit: 2, startsAt: iso(3_600_000), endsAt: iso(7_200_000), payWindowSeconds: 60 };
    expect((await post('/v1/admin/flash-sales', body, KEYS.operator)).body).toMatchObject({ stock: 7, remaining: 7, perUserLimit: 2, status: 'SCHEDULED' });
    expect(await sku(skuId)).toMatchObject({ stock: 10, reserved: 7 });
  });
});

describe('the flash-sale hot path', () => {
  it('a winner gets a visible order awaiting payment, with the campaign’s payment window, and can pay it at once', async () => {
    const { campaignId, skuId } = await makeCampaign({ stock: 5, skuStock: 20, payWindowSeconds: 90 });
    const [userId] = await users(1);
    const won = await attempt(campaignId, userId, 1);
    expect(won.status).toBe(201);
    expect(won.body).toMatchObject({ bizId: 'retail', scenario: 'flash-sale', userId, status: 'PENDING_PAYMENT', totalAmount: 500, payableAmount: 500 });
    const window = Date.parse(won.body.payDeadline) - Date.parse(won.body.createdAt);
    expect(window).toBe(90_000);
    expect((await get(`/v1/orders/${won.body.orderId}`)).body).toMatchObject({ orderId: won.body.orderId, status: 'PENDING_PAYMENT' });
    expect(await view(campaignId)).toMatchObject({ reserved: 1, sold: 0, remaining: 4 });

    // Paid right away, even if its workflow is still being started.
    const paid = await pay(won.body.orderId);
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'PAID', paidAmount: 500 });
    expect(await account(userId)).toMatchObject({ balance: 9_500, frozen: 0 });
    expect(await view(campaignId)).toMatchObject({ reserved: 0, sold: 1, remaining: 4 });
    // The sold unit leaves the campaign's hold as a sold unit of the SKU: stock + sold unchanged.
    expect(await sku(skuId)).toMatchObject({ stock: 19, reserved: 4, sold: 1 });
    const history = (await get(`/v1/orders/${won.body.orderId}/history`, KEYS.operator)).body;
    expect(history.events.find((e: any) => e.step === 'inventory.commit')).toMatchObject({ extension: 'CampaignInventoryExt' });
  });

  it('refuses in layers with the right codes: not started, over the limit, rate limited, sold out, ended', async () => {
    const later = await makeCampaign({ startsIn: 3_600_000, endsIn: 7_200_000 });
    const [a, b, c, d] = await users(4);
    const notStarted = await attempt(later.campaignId, a);
    expect([notStarted.status, notStarted.body.error.code]).toEqual([409, 'NOT_STARTED']);

    const { campaignId } = await makeCampaign({ stock: 3, perUserLimit: 2, endsIn: 8_000, extra: { rateLimit: { perUserPerSecond: 1, perCampaignPerSecond: 1000 } } });
    const tooMany = await attempt(campaignId, a, 3);
    expect([tooMany.status, tooMany.body.error.code]).toEqual([422, 'LIMIT_EXCEEDED']);
    await new Promise((r) => setTimeout(r, 1_100)); // a's token is spent
    expect((await attempt(campaignId, a, 2)).status).toBe(201);
    const limited = await attempt(campaignId, a, 1);
    expect([limited.status, limited.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    await new Promise((r) => setTimeout(r, 1_100));
    const overLimit = await attempt(campaignId, a, 1);
    expect([overLimit.status, overLimit.body.error.code]).toEqual([422, 'LIMIT_EXCEEDED']);
    expect((await attempt(campaignId, b, 1)).status).toBe(201);
    const soldOut = await attempt(campaignId, c, 1);
    expect([soldOut.status, soldOut.body.error.code]).toEqual([409, 'SOLD_OUT']);
    expect(await view(campaignId)).toMatchObject({ reserved: 3, remaining: 0 });

    await eventually(() => view(campaignId), (v) => v.status === 'ENDED', 15_000);
    const ended = await attempt(campaignId, d, 1);
    expect([ended.status, ended.body.error.code]).toEqual([409, 'ENDED']);

    const unknown = await attempt('fs-nope', a, 1);
    expect(unknown.status).toBe(404);
    const noUser = await attempt((await makeCampaign()).campaignId, 'u-nobody', 1);
    expect([noUser.status, noUser.body.error.code]).toEqual([422, 'USER_NOT_FOUND']);
  });

  it('idempotency: the same key and body returns the same order; another body is refused; a key is required', async () => {
    const { campaignId } = await makeCampaign({ stock: 5, perUserLimit: 3 });
    const [userId, other] = await users(2);
    const idem = uid('fsk');
    const first = await attempt(campaignId, userId, 1, idem);
    const again = await attempt(campaignId, userId, 1, idem);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const reused = await attempt(campaignId, other, 1, idem);
    expect([reused.status, reused.body.error.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    const noKey = await call('POST', `/v1/flash-sales/${campaignId}/orders`, { body: { userId, quantity: 1 } });
    expect(noKey.status).toBe(400);
    const bad = await call('POST', `/v1/flash-sales/${campaignId}/orders`, { body: { userId, quantity: 0, color: 'red' }, idem: uid('fsk') });
    expect(bad.status).toBe(400);
    // Concurrent duplicates share one attempt.
    const dupKey = uid('fsk');
    const dups = await Promise.all(Array.from({ length: 5 }, () => attempt(campaignId, other, 1, dupKey)));
    expect(new Set(dups.map((d) => d.body.orderId)).size).toBe(1);
    expect(await view(campaignId)).toMatchObject({ reserved: 2, remaining: 3 });
  });

  it.each(['group-commit', 'buckets'])('200 concurrent buyers for 20 units (%s): exactly 20 win, the rest are told SOLD_OUT', async (stockMode) => {
    const { campaignId, skuId } = await makeCampaign({ stock: 20, skuStock: 50, extra: { stockMode, stockBuckets: stockMode === 'buckets' ? 4 : 1 } });
    const buyers = await users(200);
    const replies = await Promise.all(buyers.map((u) => attempt(campaignId, u, 1)));
    expect(countByOutcome(replies)).toEqual({ '201': 20, '409 SOLD_OUT': 180 });
    const won = replies.filter((r) => r.status === 201);
    expect(new Set(won.map((r) => r.body.userId)).size).toBe(20);
    expect(await view(campaignId)).toMatchObject({ stock: 20, reserved: 20, sold: 0, remaining: 0 });
    expect(await soldInDb(campaignId)).toEqual({ units: 20, orders: 20 });
    expect(await sku(skuId)).toMatchObject({ stock: 50, reserved: 20, sold: 0 });
  });

  it('a buyer over the per-user limit is refused even when racing with himself', async () => {
    const { campaignId } = await makeCampaign({ stock: 50, perUserLimit: 2, extra: { rateLimit: { perUserPerSecond: 100, perCampaignPerSecond: 1000 } } });
    const [userId] = await users(1);
    const replies = await Promise.all(Array.from({ length: 10 }, () => attempt(campaignId, userId, 1)));
    expect(countByOutcome(replies)).toEqual({ '201': 2, '422 LIMIT_EXCEEDED': 8 });
    expect(await database()('flash_sale_buyers').where({ campaign_id: campaignId, user_id: userId }).first()).toMatchObject({ quantity: 2 });
  });

  it('units of winners who do not pay in time go back to the campaign and are sold again', async () => {
    const { campaignId, skuId } = await makeCampaign({ stock: 2, skuStock: 10, payWindowSeconds: 3 });
    const [a, b, c] = await users(3);
    const wonA = await attempt(campaignId, a);
    const wonB = await attempt(campaignId, b);
    expect([wonA.status, wonB.status]).toEqual([201, 201]);
    expect((await attempt(campaignId, c)).body.error.code).toBe('SOLD_OUT');

    // Nobody pays: the deadline closes both orders and their units return to the campaign.
    for (const won of [wonA, wonB]) {
      await eventually(() => get(`/v1/orders/${won.body.orderId}`).then((r) => r.body.status), (s) => s === 'CLOSED', 30_000);
    }
    expect(await view(campaignId)).toMatchObject({ reserved: 0, sold: 0, remaining: 2 });
    expect(await database()('flash_sale_buyers').where({ campaign_id: campaignId, user_id: a }).first()).toMatchObject({ quantity: 0 });
    // The returned units are sold again (once the local sold-out flag has expired),
    // and a buyer whose order closed has his allowance back.
    const late = await eventually(() => attempt(campaignId, c), (r) => r.status === 201, 10_000);
    expect(late.body.status).toBe('PENDING_PAYMENT');
    expect((await attempt(campaignId, a)).status).toBe(201);
    expect(await view(campaignId)).toMatchObject({ reserved: 2, sold: 0, remaining: 0 });
    expect(await sku(skuId)).toMatchObject({ stock: 10, reserved: 2, sold: 0 });
  });

  it('a cancelled winner’s unit goes back to the campaign; a paid one stays sold', async () => {
    const { campaignId, skuId } = await makeCampaign({ stock: 2, skuStock: 10 });
    const [a, b, c] = await users(3);
    const wonA = await attempt(campaignId, a);
    const wonB = await attempt(campaignId, b);
    expect((await pay(wonA.body.orderId)).body.status).toBe('PAID');
    expect((await post(`/v1/orders/${wonB.body.orderId}/cancel`, { reason: 'changed my mind' })).body.status).toBe('CANCELLED');
    expect(await view(campaignId)).toMatchObject({ reserved: 0, sold: 1, remaining: 1 });
    expect(await sku(skuId)).toMatchObject({ stock: 9, reserved: 1, sold: 1 });
    const late = await eventually(() => attempt(campaignId, c), (r) => r.status === 201, 10_000);
    expect(late.body.userId).toBe(c);
    expect(await view(campaignId)).toMatchObject({ reserved: 1, sold: 1, remaining: 0 });
  });

  it('when the campaign ends its unsold units go back to the shelf; a unit released later follows them', async () => {
    const { campaignId, skuId } = await makeCampaign({ stock: 4, skuStock: 10, endsIn: 4_000, payWindowSeconds: 300 });
    const [a, b] = await users(2);
    const paid = await attempt(campaignId, a);
    const unpaid = await attempt(campaignId, b);
    expect((await pay(paid.body.orderId)).body.status).toBe('PAID');
    const settled = await eventually(() => view(campaignId), (v) => v.returnedToShelf > 0, 30_000);
    expect(settled).toMatchObject({ status: 'ENDED', reserved: 1, sold: 1, remaining: 0, returnedToShelf: 2 });
    expect(await sku(skuId)).toMatchObject({ stock: 9, reserved: 1, sold: 1 });
    expect((await post(`/v1/orders/${unpaid.body.orderId}/cancel`, { reason: 'too late' })).body.status).toBe('CANCELLED');
    expect(await sku(skuId)).toMatchObject({ stock: 9, reserved: 0, sold: 1 });
    expect(await view(campaignId)).toMatchObject({ reserved: 0, sold: 1, remaining: 0 });
    // The winner retrying after the end still gets his order, not ENDED.
    const row = await database()('flash_sale_reservations').where({ order_id: paid.body.orderId }).first();
    const retry = await attempt(campaignId, a, 1, row.idem_key);
    expect(retry.body.orderId).toBe(paid.body.orderId);
  });

  it('a winner whose workflow was never started (its server died after the commit) can still pay; another server starts the rest', async () => {
    const { campaignId } = await makeCampaign({ stock: 2 });
    const [a, b] = await users(2);
    // The hot path of a "server" that writes winners and then never starts their workflows.
    const config = loadPlatformConfig(undefined, path.join(testEnv().root, 'tests', 'support', 'config-overlay.yaml'));
    const crashed = new FlashSaleHotPath(database(), (c) => orderTemplate(config, c), () => undefined);
    const win = (userId: string) => {
      const idemKey = uid('fsk');
      return crashed.attempt(campaignId, { bizIds: 'all' }, { principal: 'crashed-server', idemKey, requestHash: createHash('sha256').update(idemKey).digest('hex'), userId, quantity: 1 });
    };
    const [wonA, wonB] = [await win(a), await win(b)];
    const pending = await database()('order_workflow_starts').whereIn('order_id', [wonA.orderId, wonB.orderId]).whereNull('started_at');
    expect(pending).toHaveLength(2);
    // A's payment reaches an order without a workflow: the payment starts it.
    const paid = await pay(wonA.orderId);
    expect([paid.status, paid.body.status]).toEqual([200, 'PAID']);
    // B's workflow is started by the live servers' relay sweep.
    await eventually(() => database()('order_workflow_starts').where({ order_id: wonB.orderId }).first(), (row) => Boolean(row?.started_at), 30_000);
    expect((await post(`/v1/orders/${wonB.orderId}/cancel`, { reason: 'no longer needed' })).body.status).toBe('CANCELLED');
    expect(await view(campaignId)).toMatchObject({ reserved: 0, sold: 1, remaining: 1 });
  });

  it('flash-sale units cannot be bought through POST /v1/orders', async () => {
    const { campaignId, skuId } = await makeCampaign({ stock: 2, skuStock: 5 });
    const [userId] = await users(1);
    const r = await call('POST', '/v1/orders', { body: { userId, items: [{ skuId, quantity: 1 }], scene: { channel: 'app', campaignId } }, idem: uid('idem') });
    expect([r.status, r.body.error.code]).toEqual([422, 'FLASH_SALE_ONLY']);
    expect(await view(campaignId)).toMatchObject({ reserved: 0, remaining: 2 });
    expect(await sku(skuId)).toMatchObject({ stock: 5, reserved: 2 });
    // Regular orders of the same SKU sell only what the campaign does not hold.
    const regular = await createOrder({ userId, items: [{ skuId, quantity: 4 }] });
    expect([regular.status, regular.body.error?.code]).toEqual([422, 'INSUFFICIENT_STOCK']);
  });

  it('another line’s key does not see the campaign', async () => {
    const { campaignId } = await makeCampaign();
    expect((await get(`/v1/flash-sales/${campaignId}`, KEYS.usedCar)).status).toBe(404);
    const [userId] = await users(1);
    const r = await call('POST', `/v1/flash-sales/${campaignId}/orders`, { body: { userId, quantity: 1 }, idem: uid('k'), key: KEYS.usedCar });
    expect(r.status).toBe(404);
  });
});

describe('two server processes on one database', () => {
  let second: ManagedProcess | undefined;
  let secondUrl = '';

  beforeAll(async () => {
    const env = testEnv();
    const port = await freePort();
    second = spawnServer({
      root: env.root,
      env: { ...process.env, ...env.childEnv, PORT: String(port) },
      output: { file: path.join(path.dirname(env.serverLog), 'server-2.log') },
      exitHook: false,
      unref: true,
    });
    secondUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${secondUrl}/readyz`, 120_000);
  }, 150_000);

  afterAll(async () => {
    await second?.stop(10_000);
  });

  it.each(['group-commit', 'buckets'])('sell exactly the stock between them (%s)', async (stockMode) => {
    const { campaignId } = await makeCampaign({ stock: 25, extra: { stockMode, stockBuckets: stockMode === 'buckets' ? 5 : 1 } });
    const buyers = await users(160);
    const servers = [testEnv().baseUrl, secondUrl];
    // Both know the campaign before the rush (an attempt by a stranger loads it).
    for (const url of servers) expect((await attempt(campaignId, 'u-stranger', 1, uid('fsk'), url)).body.error.code).toBe('USER_NOT_FOUND');
    const replies = await Promise.all(buyers.map((u, i) => attempt(campaignId, u, 1, uid('fsk'), servers[i % 2])));
    expect(countByOutcome(replies)).toEqual({ '201': 25, '409 SOLD_OUT': 135 });
    expect(await view(campaignId)).toMatchObject({ reserved: 25, remaining: 0 });
    expect(await soldInDb(campaignId)).toEqual({ units: 25, orders: 25 });
  });

  it('a winner retrying on the other server gets the same order', async () => {
    const { campaignId } = await makeCampaign({ stock: 1 });
    const [a, b] = await users(2);
    const idem = uid('fsk');
    const won = await attempt(campaignId, a, 1, idem, testEnv().baseUrl);
    expect((await attempt(campaignId, b, 1, uid('fsk'), secondUrl)).body.error.code).toBe('SOLD_OUT'); // arms the second server's flag
    const retry = await attempt(campaignId, a, 1, idem, secondUrl);
    expect(retry.status).toBe(201);
    expect(retry.body.orderId).toBe(won.body.orderId);
  });

  it('a refusal is the key’s answer too: the same key gets it again on either server, even once units came back', async () => {
    const { campaignId } = await makeCampaign({ stock: 1, perUserLimit: 1, payWindowSeconds: 3, extra: { rateLimit: { perUserPerSecond: 100, perCampaignPerSecond: 1000 } } });
    const [a, b] = await users(2);
    const won = await attempt(campaignId, a, 1, uid('fsk'), testEnv().baseUrl);
    expect(won.status).toBe(201);
    const soldOutKey = uid('fsk');
    const refused = await attempt(campaignId, b, 1, soldOutKey, testEnv().baseUrl);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'SOLD_OUT']);
    const overKey = uid('fsk');
    const over = await attempt(campaignId, b, 2, overKey, secondUrl);
    expect([over.status, over.body.error.code]).toEqual([422, 'LIMIT_EXCEEDED']);
    expect(await database()('flash_sale_refusals').where({ campaign_id: campaignId }).orderBy('status').pluck('status')).toEqual([409, 422]);

    // A's order is not paid: its unit goes back to the campaign.
    await eventually(() => get(`/v1/orders/${won.body.orderId}`).then((r) => r.body.status), (st) => st === 'CLOSED', 30_000);
    expect(await view(campaignId)).toMatchObject({ reserved: 0, remaining: 1 });
    // The same keys, on the other server and after the sold-out flags expired: the first answers again.
    await new Promise((r) => setTimeout(r, 1_100));
    for (const url of [secondUrl, testEnv().baseUrl]) {
      const again = await attempt(campaignId, b, 1, soldOutKey, url);
      expect([again.status, again.body]).toEqual([409, refused.body]);
      const overAgain = await attempt(campaignId, b, 2, overKey, url);
      expect([overAgain.status, overAgain.body]).toEqual([422, over.body]);
    }
    // The same key with another body is still a reuse; a new key is a new attempt, and wins.
    expect((await attempt(campaignId, a, 1, soldOutKey, secondUrl)).body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await view(campaignId)).toMatchObject({ reserved: 0, remaining: 1 });
    const fresh = await attempt(campaignId, b, 1, uid('fsk'), secondUrl);
    expect(fresh.status).toBe(201);
  });

  it('a rate-limited attempt is not an answer: the same key is judged again later', async () => {
    const { campaignId } = await makeCampaign({ stock: 5, perUserLimit: 3, extra: { rateLimit: { perUserPerSecond: 1, perCampaignPerSecond: 1000 } } });
    const [a] = await users(1);
    expect((await attempt(campaignId, a, 1)).status).toBe(201);
    const key = uid('fsk');
    expect((await attempt(campaignId, a, 1, key)).status).toBe(429);
    await new Promise((r) => setTimeout(r, 2_100)); // this server's share of 1/s: 0.5/s while two run
    expect((await attempt(campaignId, a, 1, key)).status).toBe(201);
  });

  it('rate limits hold for the cluster: two servers together let through what one would', async () => {
    const liveServers = () => database()('api_servers').whereRaw(`seen_at > now() - interval '6 seconds'`).count({ n: '*' }).then(([r]) => Number(r.n));
    await eventually(liveServers, (n) => n >= 2, 15_000);
    await new Promise((r) => setTimeout(r, 2_100)); // one heartbeat: each server has counted the other
    const perCampaignPerSecond = 20;
    const { campaignId } = await makeCampaign({ stock: 500, perUserLimit: 1, extra: { rateLimit: { perUserPerSecond: 100, perCampaignPerSecond } } });
    const buyers = await users(120);
    const servers = [testEnv().baseUrl, secondUrl];
    const started = Date.now();
    const replies = await Promise.all(buyers.map((u, i) => attempt(campaignId, u, 1, uid('fsk'), servers[i % 2])));
    const seconds = (Date.now() - started) / 1000;
    // Every reply is a sale or a rate-limit refusal; nothing else.
    const admitted = replies.filter((r) => r.status !== 429).length;
    expect(countByOutcome(replies)).toEqual({ '201': admitted, '429 RATE_LIMITED': replies.length - admitted });
    // A full bucket of one second's worth, plus what refilled while the burst lasted —
    // not twice that, as two servers each enforcing the whole limit would let through.
    expect(admitted).toBeGreaterThanOrEqual(perCampaignPerSecond);
    expect(admitted).toBeLessThanOrEqual(perCampaignPerSecond + Math.ceil(perCampaignPerSecond * seconds) + 1);
  });
});
