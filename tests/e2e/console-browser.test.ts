import type { Browser } from 'playwright-core';
import { account, call, closeDatabase, createdOrder, eventually, get, KEYS, makeSku, makeUser, pay, uid } from '../support/api';
import { launchBrowser, screenshot, signedInPage } from '../support/browser';
import { testEnv } from '../support/test-env';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await closeDatabase();
});

const url = (hash: string) => `${testEnv().baseUrl}/console/#/${hash}`;

describe('the operators console in a browser', () => {
  it("finds an order made through the API, shows its timeline's steps and extensions, and approves its refund", async () => {
    const userId = await makeUser({ balance: 50_000 });
    const sku = await makeSku({ price: 2_500, stock: 10 });
    const order = await createdOrder({ userId, items: [{ skuId: sku, quantity: 2 }] });
    expect((await pay(order.orderId)).status).toBe(200);
    const refund = await call('POST', `/v1/orders/${order.orderId}/refunds`, { body: { items: [{ orderItemId: order.items[0].orderItemId, quantity: 1 }], reason: 'one was broken' }, idem: uid('rf') });
    expect(refund.body).toMatchObject({ status: 'REQUESTED', amount: 2_500 });

    const page = await signedInPage(browser, KEYS.operator);
    await page.goto(url(`orders?userId=${userId}`));
    await page.getByTestId('orders-table').getByRole('link', { name: order.orderId }).click();
    await page.getByTestId('order-id').filter({ hasText: order.orderId }).waitFor();

    // The timeline shows what the API's history says: each step with the extension that ran it.
    const history = (await get(`/v1/orders/${order.orderId}/history`, KEYS.operator)).body.events;
    const stepsRun = history.filter((e: any) => e.kind === 'STEP_COMPLETED').map((e: any) => `${e.step} ${e.extension}`);
    expect(stepsRun).toEqual(expect.arrayContaining([expect.stringMatching(/^inventory\.reserve \S+/), expect.stringMatching(/^payment\.\w+ \S+/)]));
    const timeline = page.getByTestId('timeline');
    await timeline.getByTestId('timeline-event').nth(history.length - 1).waitFor();
    const shown = await timeline.locator('li[data-kind=STEP_COMPLETED]').evaluateAll((items) =>
      items.map((li) => `${li.querySelector('[data-testid=timeline-step]')?.textContent} ${li.querySelector('[data-testid=timeline-extension]')?.textContent}`),
    );
    expect(shown).toEqual(stepsRun);
    expect(await page.getByTestId('temporal-link').getAttribute('href')).toContain(order.workflowId);
    await screenshot(page, 'order-timeline');

    // Approve the refund from the console: the buyer's balance changes, as the API shows.
    const before = await account(userId);
    await page.getByTestId(`refund-${refund.body.refundId}`).getByTestId('approve-refund').click();
    await page.getByTestId(`refund-${refund.body.refundId}`).getByText('REFUNDED').waitFor();
    expect(await account(userId)).toMatchObject({ balance: before.balance + 2_500, frozen: before.frozen });
    expect((await get(`/v1/orders/${order.orderId}`, KEYS.operator)).body).toMatchObject({ refundedAmount: 2_500, refundStatus: 'PARTIAL' });
    expect(await page.getByTestId('refunded-amount').textContent()).toBe('¥25.00');

    // An action the API refuses shows the API's error: a shipped order cannot be cancelled.
    await call('POST', `/v1/orders/${order.orderId}/fulfilment-events`, { body: { type: 'SHIPPED', referenceId: uid('ship') } });
    await page.reload();
    await page.getByTestId('cancel-order').click();
    await page.getByTestId('action-error').filter({ hasText: '409 INVALID_STATE' }).waitFor();
    expect((await get(`/v1/orders/${order.orderId}`, KEYS.operator)).body.status).toBe('SHIPPED');
    await page.close();
  });

  it("denies a business key another line's order, by the API", async () => {
    const order = await createdOrder({ userId: await makeUser(), items: [{ skuId: await makeSku(), quantity: 1 }] });
    const page = await signedInPage(browser, KEYS.hotel);
    expect(await page.getByTestId('who').textContent()).toContain('travel-hotel');
    await page.goto(url(`orders/${order.orderId}`));
    await page.getByTestId('error').filter({ hasText: `404 NOT_FOUND: order ${order.orderId} was not found` }).waitFor();
    await page.goto(url(`orders?orderId=${order.orderId}`));
    await page.getByText('No orders match.').waitFor();
    // The same key through the API, without the page: refused there, not only hidden.
    expect((await get(`/v1/orders/${order.orderId}/details`, KEYS.hotel)).status).toBe(404);
    await page.close();
  });

  it("shows dashboard numbers that match the orders created here, and the capability map", async () => {
    const region = uid('region');
    const sku = await makeSku({ price: 1_200, stock: 20 });
    const users = [await makeUser({ attributes: { region } }), await makeUser({ attributes: { region } })];
    const orders = [];
    for (const userId of [...users, ...users]) orders.push(await createdOrder({ userId, items: [{ skuId: sku, quantity: 1 }] }));
    for (const o of orders.slice(0, 3)) expect((await pay(o.orderId)).status).toBe(200);
    expect((await call('POST', `/v1/orders/${orders[3].orderId}/cancel`, { body: { reason: 'changed my mind' } })).status).toBe(200);

    // Wait until the rollup has caught up (it refreshes at most every few seconds), then read the page.
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    await eventually(() => get(`/v1/dashboard?from=${from}&to=${to}&region=${region}`, KEYS.operator), (r) => r.body?.totals?.cancelled === 1, 20_000);

    const page = await signedInPage(browser, KEYS.operator);
    await page.goto(url(`dashboard?range=24h&region=${region}`));
    const kpi = async (name: string) => (await page.getByTestId(`kpi-${name}`).textContent())?.trim();
    await page.getByTestId('kpi-created').filter({ hasText: /^\s*4\s*$/ }).waitFor();
    expect({ created: await kpi('created'), paid: await kpi('paid'), cancelled: await kpi('cancelled'), gmv: await kpi('gmv'), payConversion: await kpi('payConversion'), cancelRate: await kpi('cancelRate') }).toEqual({
      created: '4',
      paid: '3',
      cancelled: '1',
      gmv: '¥36.00',
      payConversion: '75.00%',
      cancelRate: '25.00%',
    });

    // The whole platform's dashboard, with an alert configured, for the README.
    await call('PUT', '/v1/admin/thresholds/retail/payConversion', { body: { thresholdPercent: 90, windowMinutes: 10, minOrders: 1 }, key: KEYS.operator });
    await page.goto(url('dashboard?range=24h'));
    await page.getByTestId('chart-lines').locator('canvas').waitFor();
    await page.getByTestId('alert-retail-payConversion').waitFor();
    await screenshot(page, 'dashboard');
    await call('DELETE', '/v1/admin/thresholds/retail/payConversion', { key: KEYS.operator });

    await page.goto(url('lines'));
    const retail = page.getByTestId('capabilities-retail-default');
    await retail.waitFor();
    const capabilities = (await get('/v1/capabilities', KEYS.operator)).body.capabilities;
    const create = capabilities.find((c: any) => c.bizId === 'retail' && c.scenario === 'default').useCases.find((u: any) => u.useCase === 'order.create');
    for (const step of create.steps) await retail.getByText(step.extension).first().waitFor();
    await screenshot(page, 'capability-map', page.getByTestId('capability-map'));
    await page.close();
  });
});
