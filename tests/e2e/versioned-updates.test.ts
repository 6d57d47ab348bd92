import { closeDatabase, createdOrder, database, fulfil, get, KEYS, makeSku, makeUser, pay, post } from '../support/api';

afterAll(closeDatabase);

const setTracking = (orderId: string, trackingNo: string, expectedVersion: number, key?: string) => post(`/v1/orders/${orderId}/tracking`, { trackingNo, expectedVersion }, key);

async function shippedOrder() {
  const userId = await makeUser();
  const skuId = await makeSku();
  const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
  await pay(order.orderId);
  return (await fulfil(order.orderId, 'SHIPPED', undefined, { trackingNo: 'SF-000' })).body;
}

/** Order edits carry the version the caller read (optimistic locking against ABA). */
describe('versioned order updates', () => {
  it("the seed's ABA case: a slow retry of tracking 123 arriving after 456 was saved gets a 409 and 456 stays", async () => {
    const shipped = await shippedOrder();
    const v = shipped.version;
    const first = await setTracking(shipped.orderId, '123', v);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ trackingNo: '123', version: v + 1 });
    const second = await setTracking(shipped.orderId, '456', v + 1);
    expect(second.body).toMatchObject({ trackingNo: '456', version: v + 2 });

    // The first request's retry, still carrying the version it read, arrives late.
    const lateRetry = await setTracking(shipped.orderId, '123', v);
    expect(lateRetry.status).toBe(409);
    expect(lateRetry.body.error.code).toBe('VERSION_CONFLICT');
    expect((await get(`/v1/orders/${shipped.orderId}`)).body).toMatchObject({ trackingNo: '456', version: v + 2 });
    const events = await database()('outbox').where({ aggregate_id: shipped.orderId, event_type: 'TrackingNumberChanged' }).orderBy('id');
    expect(events.map((e: any) => [e.payload.previousTrackingNo, e.payload.trackingNo])).toEqual([['SF-000', '123'], ['123', '456']]);
  });

  it('of two concurrent edits from the same version, one wins and the other is a 409', async () => {
    const shipped = await shippedOrder();
    const replies = await Promise.all(['A1', 'B2'].map((t) => setTracking(shipped.orderId, t, shipped.version)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = replies.find((r) => r.status === 200)!.body.trackingNo;
    expect((await get(`/v1/orders/${shipped.orderId}`)).body).toMatchObject({ trackingNo: winner, version: shipped.version + 1 });
  });

  it('refuses a missing version (400), an unshipped order (409 INVALID_STATE) and another line (404), changing nothing', async () => {
    const shipped = await shippedOrder();
    const missing = await post(`/v1/orders/${shipped.orderId}/tracking`, { trackingNo: 'X' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.map((d: any) => d.field)).toEqual(['expectedVersion']);
    expect((await setTracking(shipped.orderId, 'X', shipped.version, KEYS.usedCar)).status).toBe(404);
    const userId = await makeUser();
    const unpaid = await createdOrder({ userId, items: [{ skuId: (await makeSku()), quantity: 1 }] });
    const r = await setTracking(unpaid.orderId, 'X', unpaid.version ?? 1);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('INVALID_STATE');
    expect((await get(`/v1/orders/${shipped.orderId}`)).body).toMatchObject({ trackingNo: 'SF-000', version: shipped.version });
  });
});
