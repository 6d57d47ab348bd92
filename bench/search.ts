/**
 * `npm run bench:search` — product search over a large catalogue.
 *
 * Seeds BENCH_SKUS SKUs (1,000,000) into a fresh embedded PostgreSQL (see
 * search-catalogue.ts for the tree, brands and titles), then runs BENCH_QUERIES queries of a
 * fixed mix at BENCH_CONCURRENCY through the platform's ProductSearch (the PostgreSQL
 * implementation the API uses; HTTP and JSON encoding are not in the figures):
 *
 *   kw-noun        a Chinese product word ("耳机"), by relevance, brand and category facets
 *   kw-brand-noun  a brand and a product word ("华米 耳机")
 *   kw-latin       a product word and a Latin model fragment or tag ("耳机 pro", "k48")
 *   kw-filtered    two words with a colour filter and a price range, sorted by price
 *   leaf-browse    a leaf category by sales, with brand and attribute facets
 *   mid-browse     a mid-level category (10,000 SKUs) with a brand filter, by price
 *   front-browse   a front category (two mid-level categories), by sales, brand facet
 *   next-page      the second page of a leaf category by price (cursor)
 *
 * The last line is `search: skus=… qps=… p50_ms=… p95_ms=… p99_ms=… vs_seqscan=…`; the
 * lines before it give each kind's figures, to show where the time goes. vs_seqscan is the
 * baseline measured in the same run: how many times slower a sample of the mix runs, one
 * query at a time, with the planner's index paths off.
 *
 * Options (env): BENCH_SKUS, BENCH_QUERIES (3000), BENCH_CONCURRENCY (4), BENCH_REUSE=1
 * (keep the database of an earlier run with the same BENCH_SKUS instead of seeding again),
 * PG_PORT (5433), DATA_DIR (data; the run lives in DATA_DIR/bench-search).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PgProductSearch } from '../platform/catalogue/pg-product-search';
import type { SearchRequest } from '../platform/catalogue/product-search';
import { createDb, type Db } from '../platform/db/knex';
import { migrateLatest } from '../platform/db/migrate';
import { startEmbeddedPostgres } from '../platform/infra/embedded-postgres';
import { BRANDS, brandName, COLORS, NOUNS, seedCatalogue, TAGS, ADJECTIVES, leafId } from './search-catalogue';
import { ROOT } from './support/platform';
import { prng } from '../tests/support/prng';

const SKUS = Number(process.env.BENCH_SKUS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 3_000);
const C = Number(process.env.BENCH_CONCURRENCY ?? 4);
const REUSE = process.env.BENCH_REUSE === '1';
const log = (m: string) => console.log(m);

type Kind = 'kw-noun' | 'kw-brand-noun' | 'kw-latin' | 'kw-filtered' | 'leaf-browse' | 'mid-browse' | 'front-browse' | 'next-page';
const MIX: [Kind, number][] = [
  ['kw-noun', 20], ['kw-brand-noun', 15], ['kw-latin', 10], ['kw-filtered', 10],
  ['leaf-browse', 20], ['mid-browse', 10], ['front-browse', 10], ['next-page', 5],
];

function queryMix(n: number): { kind: Kind; request: SearchRequest }[] {
  const r = prng(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)];
  const int = (n: number) => Math.floor(r() * n);
  const noun = () => pick(pick(NOUNS));
  const total = MIX.reduce((s, [, w]) => s + w, 0);
  const kindAt = (x: number) => {
    let acc = 0;
    for (const [k, w] of MIX) if ((acc += w) > x) return k;
    return MIX[0][0];
  };
  return Array.from({ length: n }, () => {
    const kind = kindAt(r() * total);
    const base = { sort: 'relevance' as const, limit: 20 };
    switch (kind) {
      case 'kw-noun':
        return { kind, request: { ...base, q: noun(), facets: ['brand', 'category'] } };
      case 'kw-brand-noun':
        return { kind, request: { ...base, q: `${brandName(int(BRANDS)).cjk} ${noun()}` } };
      case 'kw-latin':
        return { kind, request: { ...base, q: r() < 0.5 ? `${noun()} ${pick(TAGS).toLowerCase()}` : `${String.fromCharCode(97 + int(26))}${100 + int(90)}` } };
      case 'kw-filtered':
        return { kind, request: { ...base, q: `${pick(ADJECTIVES)} ${noun()}`, attributes: [{ key: 'color', values: [pick(COLORS)] }], minPrice: 1_000, maxPrice: 200_000, sort: 'price-asc' } };
      case 'leaf-browse':
        return { kind, request: { ...base, category: leafId(int(10), int(10), int(10)), sort: 'sales', facets: ['brand', 'attributes'] } };
      case 'mid-browse':
        return { kind, request: { ...base, category: `bc-${int(10)}-${int(10)}`, brands: [`br-${int(BRANDS)}`, `br-${int(BRANDS)}`, `br-${int(BRANDS)}`], sort: 'price-asc' } };
      case 'front-browse':
        return { kind, request: { ...base, frontCategory: `fc-${int(10)}-${int(5)}`, sort: 'sales', facets: ['brand'] } };
      case 'next-page':
        return { kind, request: { ...base, category: leafId(int(10), int(10), int(10)), sort: 'price-asc' } };
    }
  });
}

/**
 * The baseline, measured in the same run: two queries of each kind, one at a time, answered
 * as the platform answers them and then with the planner's index paths turned off (what the
 * same SQL costs without the catalogue's indexes: a scan of every listing).
 */
async function sequentialScanBaseline(db: Db, mix: { kind: Kind; request: SearchRequest }[]) {
  const sample = MIX.flatMap(([kind]) => mix.filter((q) => q.kind === kind && !q.request.cursor).slice(0, 2));
  const timed = async (search: PgProductSearch, request: SearchRequest) => {
    const t0 = performance.now();
    await search.search(request);
    return performance.now() - t0;
  };
  const indexed: number[] = [];
  const scanned: number[] = [];
  const search = new PgProductSearch(db);
  for (const q of sample) {
    indexed.push(await timed(search, q.request));
    scanned.push(
      await db.transaction(async (trx) => {
        await trx.raw('SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexonlyscan = off');
        return timed(new PgProductSearch(trx), q.request);
      }),
    );
  }
  const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
  return { n: sample.length, indexedMs: median(indexed), scanMs: median(scanned) };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function main() {
  const dir = path.resolve(ROOT, process.env.DATA_DIR ?? 'data', 'bench-search');
  const marker = path.join(dir, `seeded-${SKUS}`);
  const reuse = REUSE && fs.existsSync(marker);
  if (!reuse) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  log(`search bench: ${SKUS} SKUs, ${QUERIES} queries at concurrency ${C}; ${os.cpus().length} cores (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${os.loadavg()[0].toFixed(1)}, ${new Date().toISOString()}`);
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'postgres'),
    port: Number(process.env.PG_PORT ?? 5433),
    portEnvVar: 'PG_PORT',
    stopStale: true,
    // A search node's usual tuning: the whole listing (~1.4 GB with its indexes at 1,000,000 SKUs) in shared buffers, room to sort.
    settings: { shared_buffers: '2GB', work_mem: '16MB', effective_cache_size: '4GB', random_page_cost: '1.1' },
    output: { file: path.join(dir, 'postgres.log') },
    log,
  });
  const db = createDb(pg.databaseUrl, C * 3);
  try {
    await migrateLatest(pg.databaseUrl);
    if (!reuse) {
      const started = Date.now();
      log(`seeding ${SKUS} SKUs…`);
      await seedCatalogue(db, SKUS, log);
      fs.writeFileSync(marker, new Date().toISOString());
      log(`seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    const listed = Number((await db('catalogue_listings').count<{ count: string }[]>('* as count'))[0].count);
    const size = (await db.raw(`SELECT pg_size_pretty(pg_total_relation_size('catalogue_listings')) AS s`)).rows[0].s;
    log(`catalogue_listings: ${listed} rows, ${size} with indexes`);

    const search = new PgProductSearch(db);
    const run = async (q: { kind: Kind; request: SearchRequest }) => {
      if (q.kind === 'next-page') {
        const first = await search.search(q.request);
        if (!first.nextCursor) return { ms: 0, hits: first.items.length, skipped: true };
        const t0 = performance.now();
        const second = await search.search({ ...q.request, cursor: first.nextCursor });
        return { ms: performance.now() - t0, hits: second.items.length };
      }
      const t0 = performance.now();
      const result = await search.search(q.request);
      return { ms: performance.now() - t0, hits: result.items.length };
    };
    const mix = queryMix(QUERIES);
    for (const q of queryMix(200).slice(0, 200)) await run(q); // warm the caches and the pool

    const samples: { kind: Kind; ms: number; hits: number }[] = [];
    let next = 0;
    const started = performance.now();
    let measuredMs = 0;
    await Promise.all(
      Array.from({ length: C }, async () => {
        while (next < mix.length) {
          const q = mix[next++];
          const out = await run(q);
          if ('skipped' in out) continue;
          samples.push({ kind: q.kind, ms: out.ms, hits: out.hits });
          measuredMs += out.ms;
        }
      }),
    );
    const wallS = (performance.now() - started) / 1000;
    void measuredMs;
    const baseline = await sequentialScanBaseline(db, mix);
    for (const [kind] of MIX) {
      const ms = samples.filter((s) => s.kind === kind).map((s) => s.ms).sort((a, b) => a - b);
      const empty = samples.filter((s) => s.kind === kind && s.hits === 0).length;
      log(`  ${kind.padEnd(13)} n=${String(ms.length).padStart(4)} p50_ms=${percentile(ms, 50).toFixed(1)} p95_ms=${percentile(ms, 95).toFixed(1)} p99_ms=${percentile(ms, 99).toFixed(1)} empty=${empty}`);
    }
    const all = samples.map((s) => s.ms).sort((a, b) => a - b);
    log(`  baseline: the same ${baseline.n} queries one at a time, indexed p50_ms=${baseline.indexedMs.toFixed(1)}, by sequential scans p50_ms=${baseline.scanMs.toFixed(1)}`);
    log(`search: skus=${listed} qps=${(samples.length / wallS).toFixed(0)} p50_ms=${percentile(all, 50).toFixed(1)} p95_ms=${percentile(all, 95).toFixed(1)} p99_ms=${percentile(all, 99).toFixed(1)} vs_seqscan=${(baseline.scanMs / baseline.indexedMs).toFixed(1)}`);
  } finally {
    await db.destroy();
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
