import fs from 'node:fs';
import path from 'node:path';
import { pidAlive, spawnManaged } from '../../platform/infra/processes';
import { call, closeDatabase, createdOrder, eventually, makeSku, makeUser, pay } from '../support/api';
import { RUN_DIR } from '../support/test-env';

/**
 * The Temporal server SIGKILLed under a running worker and server and started again on
 * its state: while it is away the API answers 503 in the contract's error format and
 * /readyz names Temporal; once it is back, the same processes finish the orders from
 * before and take new ones, with nobody restarting them.
 */
const external = Boolean(process.env.TEST_TEMPORAL_ADDRESS);
const stateFile = path.join(RUN_DIR, 'temporal.sqlite');

afterAll(closeDatabase);

/** The harness's Temporal dev server: the process whose command line names its state file. */
function temporalServer(): { pid: number; command: string; args: string[] } {
  for (const entry of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    const argv = (() => {
      try {
        return fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      } catch {
        return [];
      }
    })();
    if (argv.includes('start-dev') && argv.includes(stateFile)) return { pid: Number(entry), command: argv[0], args: argv.slice(1) };
  }
  throw new Error(`no Temporal dev server running on ${stateFile}`);
}

(external ? describe.skip : describe)('Temporal restarted under the platform', () => {
  it('answers 503 with the reason while Temporal is away, then serves orders again by itself', async () => {
    const userId = await makeUser({ balance: 50_000 });
    const skuId = await makeSku({ price: 1_000, stock: 10 });
    const before = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });

    const server = temporalServer();
    process.kill(server.pid, 'SIGKILL');
    await eventually(async () => pidAlive(server.pid), (alive) => !alive, 30_000);
    try {
      const ready = await call('GET', '/readyz', { key: null });
      expect({ status: ready.status, temporal: ready.body.checks.temporal, database: ready.body.checks.database, reason: ready.body.reasons?.temporal }).toEqual({
        status: 503,
        temporal: false,
        database: true,
        reason: expect.stringMatching(/^Temporal unreachable: /),
      });
      // Paying needs the order's workflow: refused, in the contract's format, and nothing charged.
      const paying = await pay(before.orderId);
      expect({ status: paying.status, code: paying.body.error?.code, dependency: paying.body.error?.details?.[0]?.dependency }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE', dependency: 'temporal' });
      const account = (await call('GET', `/v1/accounts/${userId}`, { key: 'dev-operator-key' })).body;
      expect({ balance: account.balance, frozen: account.frozen }).toEqual({ balance: 50_000, frozen: 0 });
    } finally {
      // The same server on the same state (its sentinel stops it when jest exits, as it did the first).
      spawnManaged('temporal', server.command, server.args, { output: { file: path.join(RUN_DIR, 'temporal.log') }, exitHook: false, unref: true });
    }
    await eventually(() => call('GET', '/readyz', { key: null }), (r) => r.status === 200, 90_000);

    // The worker and server that lived through it finish the order from before and take new ones.
    const paid = await eventually(() => pay(before.orderId), (r) => r.status !== 503, 60_000);
    expect({ status: paid.status, order: paid.body.status }).toEqual({ status: 200, order: 'PAID' });
    const after = await createdOrder({ userId, items: [{ skuId, quantity: 2 }] });
    const cancelled = await call('POST', `/v1/orders/${after.orderId}/cancel`, { body: { reason: 'changed mind' } });
    expect({ status: cancelled.status, order: cancelled.body.status }).toEqual({ status: 200, order: 'CANCELLED' });
    const stock = (await call('GET', `/v1/skus/${skuId}`, { key: 'dev-operator-key' })).body;
    expect({ stock: stock.stock, reserved: stock.reserved, sold: stock.sold }).toEqual({ stock: 9, reserved: 0, sold: 1 });
  });
});
