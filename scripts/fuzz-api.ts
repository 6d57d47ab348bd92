/**
 * `npm run fuzz:api`: a property-based fuzz of the whole REST API from its OpenAPI
 * document, with schemathesis (pinned, from PyPI, installed into .tools/schemathesis).
 *
 * Starts a throwaway platform of its own (embedded PostgreSQL, Temporal dev server,
 * worker, server; state in DATA_DIR/fuzz, wiped first; ports FUZZ_API_PORT,
 * FUZZ_PG_PORT, FUZZ_TEMPORAL_PORT), loads the demo data and a buyer and SKU for the
 * fuzzer, then runs schemathesis twice — with the operator key and with a business key —
 * through every phase (examples, coverage, fuzzing, stateful along the document's links),
 * and tears the platform down. The last line sums it up:
 *   fuzz: cases=… operations=… server_errors=…
 * Exit code 1 when any answer was a 5xx or an operation of the document was never
 * exercised past authentication.
 *
 *   npm run fuzz:api                  # the full run (≥ 2,000 cases)
 *   npm run fuzz:api -- --quick       # a short run (a few hundred cases), as CI runs it
 *   npm run fuzz:api -- --url http://127.0.0.1:3000   # against a running platform instead
 * FUZZ_EXAMPLES (cases per operation and phase) and FUZZ_SEED override the defaults.
 * The buyer API's token-protected operations are sent a registered buyer's access token
 * (scripts/fuzz/buyer-sessions.ts) on a platform the script started itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { portFromEnv, startThrowawayPlatform } from '../platform/infra/throwaway-platform';
import { ensureSchemathesis, runSchemathesis, SCHEMATHESIS_VERSION } from './fuzz/schemathesis';
import { buyerSessionsConfig, createBuyerOrders, createBuyerSessions } from './fuzz/buyer-sessions';
import { exercised, operationsOf, succeeded, tallyHar, type Tally } from './fuzz/tally';
import { seedDemoData } from './seed';

const ROOT = path.resolve(__dirname, '..');
const log = (msg: string) => console.error(`[fuzz] ${msg}`);
const KEYS = { operator: 'dev-operator-key', business: 'dev-retail-key' };
const FIXTURES = { user: 'fuzz-buyer', sku: 'fuzz-sku', category: 'fuzz-category', brand: 'fuzz-brand', spu: 'fuzz-spu' };

function intFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}=${process.env[name]} is not a positive integer`);
  return value;
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Target {
  baseUrl: string;
  serverLog?: string;
  /** The platform's database, when the run started the platform itself (buyer sessions need its SMS log). */
  databaseUrl?: string;
  dir: string;
  stop(): Promise<void>;
}

/** A platform of the fuzz run's own, as the benchmarks and the test harness start theirs. */
async function startPlatform(): Promise<Target> {
  const dir = path.resolve(ROOT, process.env.DATA_DIR ?? 'data', 'fuzz');
  const platform = await startThrowawayPlatform({
    root: ROOT,
    dir,
    // A throwaway cluster: durability only costs time.
    postgres: { ...portFromEnv('FUZZ_PG_PORT', 54390), settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } },
    temporal: portFromEnv('FUZZ_TEMPORAL_PORT', 7390),
    api: { ...portFromEnv('FUZZ_API_PORT', 3390), what: 'the fuzzed API server' },
    taskQueue: 'orders-fuzz',
    // Deliveries to the fixtures' dead endpoint are given up at once, so resending one can be fuzzed.
    appEnv: { WEBHOOK_MAX_ATTEMPTS: '1' },
    beforeApps: (infra) => seedDemoData(infra.databaseUrl),
    log,
  });
  return { baseUrl: platform.apps.urls[0], serverLog: platform.logs.servers[0], databaseUrl: platform.infra.databaseUrl, dir, stop: platform.stop };
}

/**
 * Things for the fuzzer to name (scripts/fuzz/plausible_hooks.py reads them from FUZZ_*):
 * a buyer with money, a SKU with stock for every generated order, paid orders with
 * requested refunds (one to approve, one to reject), unpaid orders (one to pay by a
 * channel's notification, one to cancel), a shipped and a delivered order, a running
 * flash sale and a webhook delivery — all made through the API itself.
 */
async function createFixtures(baseUrl: string, ownPlatform: boolean): Promise<Record<string, string>> {
  const send = async (method: string, p: string, body?: unknown, idem?: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${KEYS.operator}`, 'content-type': 'application/json' };
    if (idem) headers['idempotency-key'] = idem;
    const res = await fetch(`${baseUrl}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as any;
    if (!res.ok) throw new Error(`fixture ${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  await send('POST', '/v1/admin/users', { userId: FIXTURES.user, balance: 100_000_000_000, points: 10_000_000, attributes: { member: true } });
  await send('POST', '/v1/admin/skus', { skuId: FIXTURES.sku, spuId: 'spu-fuzz', title: 'Fuzzed goods', productType: 'physical', price: 1_000, stock: 1_000_000 });
  // Nothing listens there: the line's events become deliveries that fail and are given up.
  // (Not on someone else's platform: it would redirect the line's notifications.)
  if (ownPlatform) await send('POST', '/v1/admin/webhooks', { bizId: 'retail', url: 'http://127.0.0.1:9/fuzz', enabled: true });
  const order = () => send('POST', '/v1/orders', { userId: FIXTURES.user, items: [{ skuId: FIXTURES.sku, quantity: 2 }], scene: { channel: 'app' } }, `fuzz-fixture-${Math.random()}`);
  const paidOrder = async () => {
    const o = await order();
    await send('POST', `/v1/orders/${o.orderId}/payments`, { method: 'balance' });
    return o;
  };
  const fulfil = (o: any, type: string) => send('POST', `/v1/orders/${o.orderId}/fulfilment-events`, { type, referenceId: `fuzz-${type}-${o.orderId}`, trackingNo: 'FUZZ1' });
  const refund = (o: any, n: number) => send('POST', `/v1/orders/${o.orderId}/refunds`, { items: [{ orderItemId: o.items[0].orderItemId, quantity: 1 }], reason: 'fuzz fixture' }, `fuzz-refund-${n}-${o.orderId}`);
  const paid = await paidOrder();
  const refundToApprove = await refund(paid, 1);
  const refundToReject = await refund(await paidOrder(), 2);
  const unpaid = await order();
  const toCancel = await order();
  const shipped = await paidOrder();
  await fulfil(shipped, 'SHIPPED');
  const delivered = await paidOrder();
  await fulfil(delivered, 'SHIPPED');
  await fulfil(delivered, 'DELIVERED');
  // A catalogue to file generated products under: a leaf category whose one sales attribute
  // is free text (so every generated SKU can be a variant of its own), a brand, and an SPU.
  await send('POST', '/v1/admin/catalogue/categories', { categoryId: FIXTURES.category, name: 'Fuzz', attributes: [{ key: 'edition', name: 'Edition', kind: 'sales', type: 'text' }] });
  await send('POST', '/v1/admin/catalogue/brands', { brandId: FIXTURES.brand, name: 'Fuzz brand' });
  await send('POST', '/v1/admin/catalogue/products', {
    spuId: FIXTURES.spu, bizId: 'retail', categoryId: FIXTURES.category, brandId: FIXTURES.brand, title: 'Fuzzed product', productType: 'physical',
    skus: [{ skuId: `${FIXTURES.spu}-1`, salesAttributes: { edition: 'first' }, price: 1_000, stock: 1_000 }],
  });
  const now = Date.now();
  const campaign = await send('POST', '/v1/admin/flash-sales', {
    campaignId: 'fuzz-campaign', skuId: FIXTURES.sku, stock: 100, perUserLimit: 100,
    startsAt: new Date(now - 1_000).toISOString(), endsAt: new Date(now + 6 * 3_600_000).toISOString(), payWindowSeconds: 600,
  });
  let deliveryId: string | undefined;
  for (let i = 0; i < 60 && !deliveryId && ownPlatform; i++) {
    const page = await send('GET', `/v1/webhooks/deliveries?orderId=${paid.orderId}`);
    deliveryId = page.items.find((d: any) => d.status === 'FAILED')?.deliveryId ?? (i >= 40 ? page.items[0]?.deliveryId : undefined);
    if (!deliveryId) await new Promise((r) => setTimeout(r, 500));
  }
  return {
    FUZZ_USER: FIXTURES.user,
    FUZZ_SKU: FIXTURES.sku,
    FUZZ_ORDER: paid.orderId,
    FUZZ_ORDER_ITEM: paid.items[0].orderItemId,
    FUZZ_REFUND: refundToApprove.refundId,
    FUZZ_REFUND_TO_APPROVE: refundToApprove.refundId,
    FUZZ_REFUND_TO_REJECT: refundToReject.refundId,
    FUZZ_ORDER_TO_CANCEL: toCancel.orderId,
    FUZZ_ORDER_SHIPPED: shipped.orderId,
    FUZZ_ORDER_DELIVERED: delivered.orderId,
    FUZZ_PAY_ORDER: unpaid.payOrderId,
    FUZZ_CAMPAIGN: campaign.campaignId,
    FUZZ_CATEGORY: FIXTURES.category,
    FUZZ_BRAND: FIXTURES.brand,
    FUZZ_SPU: FIXTURES.spu,
    ...(deliveryId ? { FUZZ_DELIVERY: deliveryId } : {}),
  };
}

async function main() {
  const quick = process.argv.includes('--quick');
  const url = argValue('--url');
  const maxExamples = intFromEnv('FUZZ_EXAMPLES', quick ? 5 : 25);
  const seed = intFromEnv('FUZZ_SEED', 20261202);
  const started = Date.now();
  const schemathesis = await ensureSchemathesis(ROOT, log);

  const target: Target = url
    ? { baseUrl: url.replace(/\/$/, ''), dir: path.resolve(ROOT, process.env.DATA_DIR ?? 'data', 'fuzz-remote'), stop: async () => undefined }
    : await startPlatform();
  fs.mkdirSync(target.dir, { recursive: true });
  log(`platform at ${target.baseUrl} (${((Date.now() - started) / 1000).toFixed(0)} s); reports in ${target.dir}`);
  let tally: Tally | undefined;
  let operations: ReturnType<typeof operationsOf> = [];
  try {
    Object.assign(process.env, await createFixtures(target.baseUrl, !url));
    const document = (await (await fetch(`${target.baseUrl}/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const documentFile = path.join(target.dir, 'openapi.json');
    fs.writeFileSync(documentFile, JSON.stringify(document, null, 1));
    operations = operationsOf(document);

    // The coverage phase is a deterministic sweep of boundary and invalid values (over a
    // thousand cases whatever --max-examples says); the quick run leaves it to the full one.
    const phases = quick ? ['examples', 'fuzzing', 'stateful'] : ['examples', 'coverage', 'fuzzing', 'stateful'];
    const runs = [
      { name: 'operator', apiKey: KEYS.operator, phases, maxExamples },
      // A business key sees its own lines only: the same operations, fewer cases.
      { name: 'business', apiKey: KEYS.business, phases: phases.filter((p) => p !== 'examples'), maxExamples: Math.max(1, Math.ceil(maxExamples / 3)) },
    ];
    const harFiles: string[] = [];
    for (const r of runs) {
      const harFile = path.join(target.dir, `${r.name}.har.json`);
      const outputFile = path.join(target.dir, `${r.name}.schemathesis.log`);
      const t0 = Date.now();
      // Fresh buyer sessions per run: an access token lives 15 minutes (config/buyers.yaml).
      let configFile: string | undefined;
      if (target.databaseUrl) {
        configFile = path.join(target.dir, `${r.name}.schemathesis.toml`);
        const sessions = await createBuyerSessions(target.baseUrl, target.databaseUrl);
        fs.writeFileSync(configFile, buyerSessionsConfig(sessions));
        Object.assign(process.env, await createBuyerOrders(target.baseUrl, sessions, FIXTURES.sku, KEYS.operator));
      } else {
        log('against a platform of its own making only, buyer-token operations are fuzzed as a buyer; here they will answer 401');
      }
      log(`schemathesis ${SCHEMATHESIS_VERSION} with the ${r.name} key (${r.apiKey}), ${r.maxExamples} case(s) per operation and phase…`);
      const code = await runSchemathesis(schemathesis, {
        documentFile,
        baseUrl: target.baseUrl,
        apiKey: r.apiKey,
        maxExamples: r.maxExamples,
        phases: r.phases,
        seed,
        harFile,
        outputFile,
        hooksModule: path.join(__dirname, 'fuzz', 'plausible_hooks.py'),
        configFile,
      });
      if (!fs.existsSync(harFile)) throw new Error(`schemathesis wrote no report (exit ${code}); see ${outputFile}`);
      harFiles.push(harFile);
      const one = tallyHar([harFile], operations);
      log(`  ${r.name}: ${one.cases} cases in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${one.serverErrors.length} server error(s); schemathesis exit ${code}, its findings: ${findings(outputFile)}`);
    }
    tally = tallyHar(harFiles, operations);
  } finally {
    await target.stop();
  }

  if (!tally) throw new Error("no tally");
  const reached = exercised(tally);
  const ok2xx = succeeded(tally);
  console.log(`\noperation                                         answers by status`);
  for (const [label, statuses] of tally.byOperation) {
    const counts = [...statuses].sort(([a], [b]) => a - b).map(([st, n]) => `${st}×${n}`).join(' ');
    console.log(`${label.padEnd(50)}${counts || '(none)'}`);
  }
  for (const e of tally.serverErrors.slice(0, 20)) console.log(`\nSERVER ERROR ${e.status} ${e.method} ${e.url}\n  body: ${e.body}\n  answer: ${e.response}`);
  const missing = operations.map((o) => o.label).filter((l) => !reached.includes(l));
  if (missing.length) console.log(`\nnot exercised past authentication: ${missing.join(', ')}`);
  console.log(`\nschemathesis ${SCHEMATHESIS_VERSION}, seed ${seed}, ${maxExamples} case(s) per operation and phase, ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  console.log(`operations answering 2xx at least once: ${ok2xx.length}/${operations.length}; requests outside the document: ${tally.unmatched}`);
  console.log(`fuzz: cases=${tally.cases} operations=${reached.length}/${operations.length} server_errors=${tally.serverErrors.length}`);
  process.exitCode = tally.serverErrors.length === 0 && missing.length === 0 ? 0 : 1;
}

/** The failure kinds schemathesis summed up (e.g. "ST101 Server error: 2"), from its console output. */
function findings(outputFile: string): string {
  const text = fs.readFileSync(outputFile, 'utf8');
  const section = /\nFailures:\n([\s\S]*?)\n\n/.exec(text)?.[1] ?? '';
  const lines = section.split('\n').map((l) => l.replace(/^[^A-Za-z]*/, '').trim()).filter(Boolean);
  return lines.length ? lines.join('; ') : 'none';
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
