import { priceOrder } from '../../platform/domain/pricing';
import { newId } from '../../platform/ids';
import { closeDatabase, database, makeSku, makeUser } from '../support/api';
import { abilityInput, registryFor, runStep } from '../support/platform';

afterAll(closeDatabase);

/**
 * The draft is the try of the order's own TCC branch and its void the cancel, so the two
 * cannot interleave into an order nobody finishes: a draft arriving after its void — an
 * attempt that outlived its time-out, or a workflow task lost with its worker and run
 * again — is refused and writes nothing.
 */
describe('order drafts under the fence', () => {
  const db = database();
  const registry = registryFor(db);

  async function draftInput() {
    const userId = await makeUser();
    const skuId = await makeSku({ price: 1_000 });
    const orderId = newId('ord');
    const row = { order_id: orderId, pay_order_id: `pay-${orderId.slice(4)}`, biz_id: 'retail', scenario: 'default' };
    const request = { userId, items: [{ skuId, quantity: 1 }], scene: { channel: 'app' } };
    const input = abilityInput(row, 'order.create', 'order.draft', orderId, { request, payDeadline: Date.now() + 60_000 });
    return { orderId, input: { ...input, ctx: { priced: priceOrder([{ skuId, quantity: 1, price: 1_000 }], 0) } } };
  }
  const orderRow = (orderId: string) => db('orders').where({ order_id: orderId }).first('status');

  it('a retried draft writes the order once; its void voids it', async () => {
    const { orderId, input } = await draftInput();
    await runStep(registry, input);
    expect((await runStep(registry, input)).detail).toContain('already written');
    expect(await orderRow(orderId)).toEqual({ status: 'CREATING' });
    await runStep(registry, { ...input, ability: 'order.void', phase: 'compensation' });
    expect(await orderRow(orderId)).toEqual({ status: 'VOIDED' });
    expect((await db('tcc_fence').where({ xid: orderId, branch: 'order' }).first()).status).toBe('ROLLED_BACK');
  });

  it('a void before any draft is an empty rollback, and the late draft is refused and writes nothing', async () => {
    const { orderId, input } = await draftInput();
    expect((await runStep(registry, { ...input, ability: 'order.void', phase: 'compensation' })).detail).toBe('no order was written');
    await expect(runStep(registry, input)).rejects.toMatchObject({ status: 409, code: 'INVALID_STATE' });
    expect(await orderRow(orderId)).toBeUndefined();
    expect((await db('tcc_fence').where({ xid: orderId, branch: 'order' }).first()).status).toBe('SUSPENDED');
  });
});
