import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pidAlive, spawnManaged } from '../../platform/infra/processes';
import { call, closeDatabase, createdOrder, eventually, KEYS, makeSku, makeUser, pay } from '../support/api';
import { RUN_DIR } from '../support/test-env';

/**
 * The platform's PostgreSQL restarted under a running worker and server (fast shutdown,
 * then the same server started again): while it is down the API answers 503 in the
 * contract's error format and /readyz names the database; once it is back, the same
 * processes serve orders again with nobody restarting them.
 */
const dataDir = path.join(RUN_DIR, 'postgres');
const external = Boolean(process.env.TEST_DATABASE_URL);

afterAll(closeDatabase);

/** The running postmaster's pid and the command line it was started with (PostgreSQL keeps both in its data directory). */
function postmaster(): { pid: number; command: string; args: string[] } {
  const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const opts = fs.readFileSync(path.join(dataDir, 'postmaster.opts'), 'utf8').trim();
  const command = opts.slice(0, opts.indexOf(' "'));
  const args = [...opts.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  return { pid, command, args };
}

function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

(external ? describe.skip : describe)('PostgreSQL restarted under the platform', () => {
  it('answers 503 with the reason while the database is down, then serves orders again by itself', async () => {
    const userId = await makeUser({ balance: 50_000 });
    const skuId = await makeSku({ price: 1_000, stock: 10 });
    const before = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });

    const pg = postmaster();
    process.kill(pg.pid, 'SIGINT'); // fast shutdown: clients are disconnected, open transactions rolled back
    await eventually(async () => pidAlive(pg.pid), (alive) => !alive, 60_000);

    try {
      const ready = await call('GET', '/readyz', { key: null });
      expect({ status: ready.status, database: ready.body.checks.database, reason: ready.body.reasons?.database }).toEqual({
        status: 503,
        database: false,
        reason: expect.stringMatching(/^PostgreSQL unreachable: /),
      });
      const read = await call('GET', `/v1/orders/${before.orderId}`);
      const write = await call('POST', `/v1/orders/${before.orderId}/payments`, { body: { method: 'balance' } });
      for (const r of [read, write]) {
        expect({ status: r.status, code: r.body.error.code, dependency: r.body.error.details[0]?.dependency }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE', dependency: 'database' });
        expect(r.body.error.message).toMatch(/database is unreachable/);
      }
    } finally {
      // The same server again (the sentinel stops it when jest exits, as it did the first).
      spawnManaged('postgres', pg.command, pg.args, { ...postgresUser(), cwd: '/', output: { file: path.join(RUN_DIR, 'postgres.log') }, stopSignal: 'SIGINT', exitHook: false, unref: true });
    }
    await eventually(() => call('GET', '/readyz', { key: null }), (r) => r.status === 200, 60_000);

    // The worker and server that lived through it finish the order from before and take new ones.
    const paid = await pay(before.orderId);
    expect({ status: paid.status, order: paid.body.status }).toEqual({ status: 200, order: 'PAID' });
    const after = await createdOrder({ userId, items: [{ skuId, quantity: 2 }] });
    const cancelled = await call('POST', `/v1/orders/${after.orderId}/cancel`, { body: { reason: 'changed mind' }, key: KEYS.retail });
    expect({ status: cancelled.status, order: cancelled.body.status }).toEqual({ status: 200, order: 'CANCELLED' });
    const stock = (await call('GET', `/v1/skus/${skuId}`, { key: KEYS.operator })).body;
    expect({ stock: stock.stock, reserved: stock.reserved, sold: stock.sold }).toEqual({ stock: 9, reserved: 0, sold: 1 });
  });
});
