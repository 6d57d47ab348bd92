import { allocate, phaseAt, RateLimiter, splitStock, sumTakes, TokenBucket } from '../../platform/domain/flash-sale';
import { GroupCommit } from '../../platform/flash-sale/group-commit';

describe('flash-sale rules', () => {
  it('a campaign sells from its start (inclusive) to its end (exclusive)', () => {
    const c = { startsAt: 1_000, endsAt: 2_000 };
    expect([phaseAt(c, 999), phaseAt(c, 1_000), phaseAt(c, 1_999), phaseAt(c, 2_000)]).toEqual(['SCHEDULED', 'ACTIVE', 'ACTIVE', 'ENDED']);
  });

  it('splits stock over buckets evenly, every unit counted once', () => {
    expect(splitStock(10, 3)).toEqual([4, 3, 3]);
    expect(splitStock(500, 1)).toEqual([500]);
    expect(splitStock(7, 7)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('allocates in arrival order, from one bucket when it can, spanning buckets when it must, never more than there is', () => {
    const available = new Map([
      [0, 2],
      [1, 1],
    ]);
    const takes = allocate(available, [1, 2, 5, 1]);
    expect(takes).toEqual([{ 0: 1 }, { 0: 1, 1: 1 }, null, null]);
    expect([...available.values()]).toEqual([0, 0]);
    expect(sumTakes(takes.filter((t) => t !== null) as Record<number, number>[])).toEqual(new Map([[0, 2], [1, 1]]));
  });

  it('a larger attempt that does not fit does not stop a smaller one behind it', () => {
    const available = new Map([[0, 1]]);
    expect(allocate(available, [2, 1])).toEqual([null, { 0: 1 }]);
  });

  it('token buckets refill at their rate and forget idle keys', () => {
    const bucket = new TokenBucket(2, 2, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, false]);
    expect(bucket.take(500)).toBe(true);
    const limiter = new RateLimiter(1);
    expect([limiter.allow('u1', 0), limiter.allow('u1', 10), limiter.allow('u2', 10)]).toEqual([true, false, true]);
    limiter.allow('u3', 10_000); // sweeps the others, refilled by now
    expect(limiter.size()).toBe(1);
  });
});

describe('group commit', () => {
  it('batches what queued up while a batch ran, one item per group per batch, answering each caller', async () => {
    const batches: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const commit = new GroupCommit<{ user: string; n: number }, string>(
      async (items) => {
        batches.push(items.map((i) => `${i.user}${i.n}`));
        if (batches.length === 1) await gate;
        return items.map((i) => `done ${i.user}${i.n}`);
      },
      { maxInFlight: 1, maxBatch: 10, groupOf: (i) => i.user },
    );
    const first = commit.submit({ user: 'a', n: 1 });
    const rest = [commit.submit({ user: 'b', n: 1 }), commit.submit({ user: 'a', n: 2 }), commit.submit({ user: 'a', n: 3 }), commit.submit({ user: 'c', n: 1 })];
    expect(commit.pending()).toBe(4);
    release();
    expect(await Promise.all([first, ...rest])).toEqual(['done a1', 'done b1', 'done a2', 'done a3', 'done c1']);
    expect(batches).toEqual([['a1'], ['b1', 'a2', 'c1'], ['a3']]);
  });

  it('a failed batch fails each of its callers, and the next batch still runs', async () => {
    let calls = 0;
    const commit = new GroupCommit<number, number>(
      async (items) => {
        calls += 1;
        if (calls === 1) throw new Error('database down');
        return items.map((i) => i * 2);
      },
      { maxInFlight: 1, maxBatch: 10, groupOf: String },
    );
    const a = commit.submit(1);
    const b = commit.submit(2);
    await expect(a).rejects.toThrow('database down');
    expect(await b).toBe(4);
  });
});
