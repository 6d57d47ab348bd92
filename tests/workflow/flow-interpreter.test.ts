/**
 * The flow interpreter, tested directly: the real orderWorkflow on Temporal's time-skipping
 * test server, with every ability replaced by a scripted stand-in (scripted-abilities.ts).
 * The workflow input is built from the real configuration, the way the API builds it, so
 * these tests check the flows as configured, whatever way compensations are declared.
 * Deadlines of half an hour and receipts after days pass in moments: awaiting a workflow's
 * result lets the test server skip time.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, Worker, DefaultLogger } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { loadPlatformConfig, orderSetupOf, type PlatformConfig } from '../../platform/config/platform-config';
import type { OrderWorkflowInput } from '../../platform/domain/flow';
import type { BizIdentity } from '../../platform/domain/identity';
import type { orderWorkflow } from '../../workflows';
import * as msg from '../../workflows/messages';
import { BizIdKey, OrderStatusKey, ScenarioKey } from '../../workflows/search-attributes';
import { findTemporalTestServer } from '../support/temporal-test-server';
import { ROOT } from '../support/test-env';
import { abilityIds, refuse, ScriptedAbilities, type Script } from './scripted-abilities';

const RETAIL: BizIdentity = { bizId: 'retail', scenario: 'default' };
const HOTEL: BizIdentity = { bizId: 'travel-hotel', scenario: 'default' };
const TASK_QUEUE = 'flow-interpreter-test';
const DAY_MS = 24 * 60 * 60 * 1000;

let env: TestWorkflowEnvironment;
let config: PlatformConfig;
let worker: Worker;
let running: Promise<void>;
const abilities = new ScriptedAbilities();

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') }); // refused and faulted activities are the point here, not news
  // The configuration as shipped: no test overlay (its short timers are for the end-to-end tests).
  config = loadPlatformConfig(undefined, '');
  const executable = { type: 'existing-path' as const, path: await findTemporalTestServer(ROOT) };
  const [testEnv, workflowBundle] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable } }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('WARN') }),
  ]);
  env = testEnv;
  // The workflow keeps its status in a search attribute; the namespace must know it, as a real one does.
  const KEYWORD = 2; // temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD (@temporalio/proto is not a direct dependency)
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries([BizIdKey, ScenarioKey, OrderStatusKey].map((k) => [k.name, KEYWORD])),
  });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle,
    activities: abilities.activities(abilityIds(config)),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

/** Starts an order of `identity` with `script` for its abilities. */
async function startOrder(identity: BizIdentity, script: Script = {}) {
  const orderId = `ord-${randomUUID()}`;
  abilities.script(orderId, script);
  const input: OrderWorkflowInput = {
    orderId,
    payOrderId: `pay-${orderId}`,
    ...orderSetupOf(config, identity),
    request: { userId: 'u-1', items: [{ skuId: 'sku-1', quantity: 1 }], scene: { channel: 'app' } },
  };
  const handle = await env.client.workflow.start<typeof orderWorkflow>('orderWorkflow', { workflowId: `order-${orderId}`, taskQueue: TASK_QUEUE, args: [input] });
  return { orderId, input, handle };
}

/**
 * What the REST caller would see of an update: its ack, or the status and code the API
 * answers with (api/order-client.ts: a failure without a 4xx status is a 500 INTERNAL).
 */
async function outcome(update: Promise<msg.UpdateAck>): Promise<string> {
  try {
    const ack = await update;
    return `ok ${ack.status}${ack.duplicate ? ' (duplicate)' : ''}`;
  } catch (err) {
    if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) throw err;
    const status = (err.cause.details?.[0] as { status?: number } | undefined)?.status ?? 500;
    return status >= 500 ? '500 INTERNAL' : `${status} ${err.cause.type}`;
  }
}

const created = (handle: WorkflowHandle) => outcome(handle.executeUpdate(msg.awaitCreatedUpdate));
const pay = (handle: WorkflowHandle) => outcome(handle.executeUpdate(msg.payUpdate, { args: [{ method: 'balance' }] }));
const fulfil = (handle: WorkflowHandle, type: 'SHIPPED' | 'DELIVERED') =>
  outcome(handle.executeUpdate(msg.fulfilmentUpdate, { args: [{ type, referenceId: `${type}-1` }] }));

const RETAIL_CREATE = ['order.validate', 'order.draft', 'inventory.reserve', 'coupon.lock', 'order.activate'];
const RETAIL_PAY = ['payment.freeze', 'order.markPaid', 'inventory.commit', 'coupon.consume', 'payment.confirm'];

describe('flow interpreter: compensation', () => {
  it('a refusal after a local step undoes every compensable step of the flow, newest first, and the caller sees the refusal', async () => {
    const { orderId, handle } = await startOrder(RETAIL, { 'inventory.reserve': refuse(422, 'INSUFFICIENT_STOCK') });
    expect(await created(handle)).toBe('422 INSUFFICIENT_STOCK');
    expect(await handle.result()).toBe('VOIDED');
    // order.draft ran locally, so a lost task might have gone further: every step is undone (fences make the unreached ones empty).
    expect(abilities.callsOf(orderId)).toEqual(['order.validate', 'order.draft', 'inventory.reserve', 'coupon.unlock', 'inventory.release', 'order.void']);
  });

  it('a refusal by the check before any local step undoes nothing', async () => {
    const { orderId, handle } = await startOrder(RETAIL, { 'order.validate': refuse(422, 'COUPON_INVALID') });
    expect(await created(handle)).toBe('422 COUPON_INVALID');
    expect(await handle.result()).toBe('VOIDED');
    expect(abilities.callsOf(orderId)).toEqual(['order.validate']);
  });

  it('a refused payment is rolled back without compensating what did not run; the order waits for another attempt', async () => {
    const { orderId, handle } = await startOrder(RETAIL, { 'payment.freeze': [refuse(402, 'INSUFFICIENT_BALANCE')] });
    expect(await created(handle)).toBe('ok PENDING_PAYMENT');
    expect(await pay(handle)).toBe('402 INSUFFICIENT_BALANCE');
    expect(await pay(handle)).toBe('ok PAID');
    expect(abilities.callsOf(orderId, 'order.pay')).toEqual(['payment.freeze', ...RETAIL_PAY]);
    await handle.terminate('test done');
  });
});

describe('flow interpreter: refusal versus fault', () => {
  it('a transient fault is retried and the flow goes on', async () => {
    const { orderId, handle } = await startOrder(RETAIL, { 'order.validate': ['fault', 'fault'] });
    expect(await created(handle)).toBe('ok PENDING_PAYMENT');
    expect(abilities.callsOf(orderId)).toEqual(['order.validate', 'order.validate', 'order.validate', ...RETAIL_CREATE.slice(1)]);
    await handle.terminate('test done');
  });

  it('a lasting fault is retried a bounded number of times, then the step itself and everything before it are compensated', async () => {
    const { orderId, handle } = await startOrder(HOTEL, { 'supplier.book': 'fault' });
    const createOutcome = created(handle);
    expect(await handle.result()).toBe('VOIDED');
    expect(await createOutcome).toBe('500 INTERNAL');
    const calls = abilities.callsOf(orderId);
    const bookings = calls.filter((a) => a === 'supplier.book').length;
    // The step may have half-happened: its own compensation runs too (an empty rollback if nothing happened).
    expect(calls).toEqual(['order.validate', 'order.draft', ...Array(bookings).fill('supplier.book'), 'coupon.unlock', 'supplier.cancelBooking', 'order.void']);
    expect(bookings).toBe(8);
  });
});

describe('flow interpreter: point of no return', () => {
  it('steps after the point of no return are retried until they succeed, and nothing is compensated', async () => {
    const { orderId, handle } = await startOrder(RETAIL, { 'inventory.commit': ['fault', 'fault'], 'payment.confirm': ['fault'] });
    expect(await created(handle)).toBe('ok PENDING_PAYMENT');
    expect(await pay(handle)).toBe('ok PAID');
    expect(abilities.callsOf(orderId, 'order.pay')).toEqual(['payment.freeze', 'order.markPaid', 'inventory.commit', 'inventory.commit', 'inventory.commit', 'coupon.consume', 'payment.confirm', 'payment.confirm']);
    await handle.terminate('test done');
  });
});

const requestRefund = (handle: WorkflowHandle, refundId: string) =>
  outcome(handle.executeUpdate(msg.requestRefundUpdate, { args: [{ refundId, items: [{ orderItemId: 'oi-1', quantity: 1 }], reason: 'return', returnGoods: true }] }));
const approveRefund = (handle: WorkflowHandle, refundId: string) => outcome(handle.executeUpdate(msg.approveRefundUpdate, { args: [{ refundId }] }));

describe('flow interpreter: timers', () => {
  it('takes refund requests after completion until the after-sale window ends, in workflow time', async () => {
    const { orderId, handle, input } = await startOrder(RETAIL);
    expect(input.config.afterSaleDays).toBe(7);
    expect(await created(handle)).toBe('ok PENDING_PAYMENT');
    expect(await pay(handle)).toBe('ok PAID');
    expect(await fulfil(handle, 'SHIPPED')).toBe('ok SHIPPED');
    expect(await fulfil(handle, 'DELIVERED')).toBe('ok DELIVERED');
    expect(await outcome(handle.executeUpdate(msg.receiptUpdate))).toBe('ok COMPLETED');
    const completedAt = await env.currentTimeMs();

    // Six days later the window is open: a return is accepted (and left pending).
    await env.sleep(6 * DAY_MS);
    expect(await requestRefund(handle, `${orderId}-rf-1`)).toBe('ok COMPLETED');
    // Two more days: the window has ended; the workflow stays only to settle the pending request.
    await env.sleep(2 * DAY_MS);
    expect(await requestRefund(handle, `${orderId}-rf-2`)).toBe('409 INVALID_STATE');
    expect(await approveRefund(handle, `${orderId}-rf-1`)).toBe('ok COMPLETED');
    expect(await handle.result()).toBe('COMPLETED');
    expect((await env.currentTimeMs()) - completedAt).toBeGreaterThanOrEqual(input.config.afterSaleDays * DAY_MS);
    // The goods had not shipped back (the scripted step awaits none): the refund pays at approval.
    expect(abilities.callsOf(orderId, 'order.refund')).toEqual(['refund.create', 'refund.awaitReturn', 'inventory.restock', 'payment.refund', 'refund.complete']);
  });

  it('closes a return whose goods do not come back within returnDays, in workflow time, paying nothing', async () => {
    const { orderId, handle, input } = await startOrder(RETAIL, { 'refund.awaitReturn': { output: { awaitingReturn: true } } });
    expect(input.config.returnDays).toBe(14);
    expect(await created(handle)).toBe('ok PENDING_PAYMENT');
    expect(await pay(handle)).toBe('ok PAID');
    expect(await fulfil(handle, 'SHIPPED')).toBe('ok SHIPPED');
    expect(await requestRefund(handle, `${orderId}-rf-1`)).toBe('ok SHIPPED');
    expect(await approveRefund(handle, `${orderId}-rf-1`)).toBe('ok SHIPPED');
    // An open return holds the order: it cannot be cancelled or fail beside it.
    expect(await outcome(handle.executeUpdate(msg.fulfilmentUpdate, { args: [{ type: 'FAILED', referenceId: 'wh-failed', reason: 'lost' }] }))).toBe('409 INVALID_STATE');
    const approvedAt = await env.currentTimeMs();
    await env.sleep(15 * DAY_MS);
    expect(abilities.callsOf(orderId, 'order.refund')).toEqual(['refund.create', 'refund.awaitReturn', 'refund.closeReturn']);
    expect((await env.currentTimeMs()) - approvedAt).toBeGreaterThanOrEqual(input.config.returnDays * DAY_MS);
    // Closed: its goods arriving now are refused, and the order goes on.
    expect(await outcome(handle.executeUpdate(msg.fulfilmentUpdate, { args: [{ type: 'RETURN_RECEIVED', referenceId: 'rt-late', refundId: `${orderId}-rf-1` }] }))).toBe('409 INVALID_STATE');
    expect(await fulfil(handle, 'DELIVERED')).toBe('ok DELIVERED');
    await handle.terminate('test done');
  });

  it('ends a completed order at once where the line has no after-sale window', async () => {
    const { handle, input } = await startOrder({ bizId: 'used-car', scenario: 'default' });
    expect(input.config.afterSaleDays).toBe(0);
    expect(await created(handle)).toBe('ok PENDING_PAYMENT');
    expect(await pay(handle)).toBe('ok PAID');
    expect(await fulfil(handle, 'SHIPPED')).toBe('ok SHIPPED');
    expect(await fulfil(handle, 'DELIVERED')).toBe('ok DELIVERED');
    expect(await outcome(handle.executeUpdate(msg.receiptUpdate))).toBe('ok COMPLETED');
    expect(await handle.result()).toBe('COMPLETED');
  });

  it('closes an unpaid order when the payment window ends, giving back what create took', async () => {
    const { orderId, handle, input } = await startOrder(RETAIL);
    expect(await created(handle)).toBe('ok PENDING_PAYMENT');
    const before = await env.currentTimeMs();
    expect(await handle.result()).toBe('CLOSED');
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(input.config.payWindowSeconds * 1000 - 1000);
    expect(abilities.callsOf(orderId)).toEqual([...RETAIL_CREATE, 'inventory.release', 'coupon.unlock', 'order.close']);
  });

  it('completes a delivered order automatically after autoReceiptDays', async () => {
    const { orderId, handle, input } = await startOrder(RETAIL);
    expect(await created(handle)).toBe('ok PENDING_PAYMENT');
    expect(await pay(handle)).toBe('ok PAID');
    expect(await fulfil(handle, 'SHIPPED')).toBe('ok SHIPPED');
    expect(await fulfil(handle, 'DELIVERED')).toBe('ok DELIVERED');
    const before = await env.currentTimeMs();
    expect(await handle.result()).toBe('COMPLETED');
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(input.config.autoReceiptDays * DAY_MS - 1000);
    expect(abilities.callsOf(orderId)).toEqual([...RETAIL_CREATE, ...RETAIL_PAY, 'fulfilment.record', 'fulfilment.record', 'order.complete']);
  });
});
