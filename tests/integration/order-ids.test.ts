import { spawn } from 'node:child_process';
import path from 'node:path';
import { createDb, type Db } from '../../platform/db/knex';
import { MachineLease } from '../../platform/order-ids/machine-lease';
import { formatOrderId, OrderIdGenerator, parseOrderId, userShardOf } from '../../platform/order-ids/order-id';
import { newId } from '../../platform/ids';
import { READY_LINE } from '../support/order-id-child';
import { testEnv } from '../support/test-env';

const ROOT = path.resolve(__dirname, '..', '..');

/** Starts `n` generator processes, waits until each holds its lease, then lets them generate at once. */
async function generateInProcesses(n: number, count: number) {
  const children = Array.from({ length: n }, () =>
    spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'tests', 'support', 'order-id-child.ts'), String(count)], {
      env: { ...process.env, DATABASE_URL: testEnv().databaseUrl },
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  const runs = children.map((child) => {
    let out = '';
    let err = '';
    let ready!: () => void;
    const leased = new Promise<void>((resolve) => (ready = resolve));
    child.stdout.on('data', (d) => {
      out += d;
      if (out.startsWith(`${READY_LINE}\n`)) ready();
    });
    child.stderr.on('data', (d) => (err += d));
    const output = new Promise<{ machineId: number; ids: string[] }>((resolve, reject) => {
      child.on('close', (code) => {
        try {
          if (code !== 0) throw new Error(`generator exited ${code}: ${err}`);
          resolve(JSON.parse(out.slice(READY_LINE.length + 1)));
        } catch (e) {
          reject(e);
        }
      });
    });
    // A child that dies before holding its lease fails the wait instead of hanging it.
    return { leased: Promise.race([leased, output.then(() => undefined)]), output };
  });
  await Promise.all(runs.map((r) => r.leased));
  for (const child of children) child.stdin.end('go\n');
  return Promise.all(runs.map((r) => r.output));
}

describe('order ids: time + machine id + user shard + sequence', () => {
  let db: Db;
  beforeAll(() => {
    db = createDb(testEnv().databaseUrl, 2);
  });
  afterAll(() => db.destroy());

  it('reads back what it was made of, and sorts by time (to the millisecond) across widths of the parts', () => {
    const parts = { timeMs: Date.UTC(2026, 11, 2, 5, 0, 0, 123), machineId: 1295, userShard: 7, sequence: 36 ** 3 - 1 };
    expect(parseOrderId(formatOrderId(parts))).toEqual(parts);
    expect(formatOrderId({ ...parts, timeMs: parts.timeMs + 1, machineId: 0, sequence: 0 }) > formatOrderId(parts)).toBe(true);
    // The older random-suffix ids of the same moment sort with these by time.
    const older = newId('ord');
    const later = formatOrderId({ timeMs: Date.now() + 1000, machineId: 0, userShard: 0, sequence: 0 });
    expect(later > older).toBe(true);
  });

  it('carries the user shard, so an order can be routed by its user', () => {
    const gen = new OrderIdGenerator(() => 5);
    for (const userId of ['u-alice', 'u-bob', 'buyer-123', '42']) {
      expect(parseOrderId(gen.next(userId))?.userShard).toBe(userShardOf(userId));
    }
    expect(new Set(Array.from({ length: 1000 }, (_, i) => userShardOf(`u-${i}`))).size).toBe(100);
  });

  it('keeps ids increasing when the clock steps back, and moves on when a millisecond’s sequence is spent', () => {
    let now = 1_000_000;
    const gen = new OrderIdGenerator(() => 1, () => now);
    const ids = [gen.next('u'), gen.next('u')];
    now -= 500; // the clock steps back
    ids.push(gen.next('u'));
    now += 500;
    for (let i = 0; i < 36 ** 3; i++) ids.push(gen.next('u'));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(parseOrderId(ids[ids.length - 1])!.timeMs).toBeGreaterThan(1_000_000);
  });

  it('several processes generating at once: every id unique, each process in time order, distinct machine ids', async () => {
    const perProcess = 20_000;
    const results = await generateInProcesses(4, perProcess);
    const all = results.flatMap((r) => r.ids);
    expect(new Set(results.map((r) => r.machineId)).size).toBe(4);
    expect({ ids: all.length, distinct: new Set(all).size }).toEqual({ ids: 4 * perProcess, distinct: 4 * perProcess });
    for (const r of results) {
      // One process's ids go forward in time (within a millisecond, the user shard orders them).
      const times = r.ids.map((id) => parseOrderId(id)!.timeMs);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(r.ids.map((id) => parseOrderId(id)!.machineId))).toEqual(new Set([r.machineId]));
    }
    // Across processes, sorting the ids sorts them by their time.
    const times = [...all].sort().map((id) => parseOrderId(id)!.timeMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // They ran at the same time: their time ranges overlap.
    const ranges = results.map((r) => [parseOrderId(r.ids[0])!.timeMs, parseOrderId(r.ids[r.ids.length - 1])!.timeMs]);
    expect(Math.max(...ranges.map((x) => x[0]))).toBeLessThanOrEqual(Math.min(...ranges.map((x) => x[1])) + 2_000);
  }, 120_000);

  it('a machine id is leased to one process at a time, and a lapsed holder stops issuing', async () => {
    const opts = { ttlMs: 4_000, renewMs: 60_000, quarantineMs: 200, safetyMs: 500 };
    const a = new MachineLease(db, opts);
    const b = new MachineLease(db, opts);
    await a.renew();
    await b.renew();
    expect(a.current()).not.toBe(b.current());
    const held = a.current();
    await new Promise((r) => setTimeout(r, 4_000)); // a neither renews nor stops: its lease lapses
    expect(() => a.current()).toThrow(/not renewed in time/);
    await b.stop();
    await a.stop();
    expect(held).toBeGreaterThanOrEqual(0);
  });
});
