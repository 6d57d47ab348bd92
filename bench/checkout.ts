/**
 * `BENCH_MODE=checkout npm run bench:orders` — buyers checking out carts of 3 lines (a
 * retail SKU, a retail SKU of another merchant, a hotel night: 3 orders under one pay
 * order) and paying each pay order once, over HTTP through the buyer API:
 *
 *   checkout  per cart: 3 cart adds, POST /v1/buyer/checkouts, POST …/pay-orders/{id}/payments;
 *   separate  the same 3 orders made and paid one by one (POST /v1/buyer/orders and
 *             …/orders/{id}/payments, 3 each) by the same buyers, for comparison.
 *
 * Each of BENCH_CONCURRENCY buyers (registered through the API with a code read from the
 * simulated SMS gateway, each from its own loopback address) works its own cart. Rounds
 * alternate which side goes first. The last line is the summary: medians over the rounds.
 *
 * Options (env): BENCH_ROUNDS (3), BENCH_ORDERS (carts per round, 60), BENCH_CONCURRENCY (10).
 * Ports and data: PORT, PG_PORT, TEMPORAL_PORT, DATA_DIR (see bench/support/platform.ts).
 */
import http from 'node:http';
import os from 'node:os';
import type { Db } from '../platform/db/knex';
import { createDb } from '../platform/db/knex';
import { channelAccountId, ensureAccount, post } from '../platform/repositories/accounts';
import { cpuMeter, median } from './support/load';
import { startBenchPlatform } from './support/platform';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const N = Number(process.env.BENCH_ORDERS ?? 60);
const C = Number(process.env.BENCH_CONCURRENCY ?? 10);
const OPERATOR = { authorization: 'Bearer dev-operator-key', 'content-type': 'application/json' };
const log = (msg: string) => console.log(msg);

interface Buyer {
  buyerId: string;
  token: string;
  ip: string;
}

export async function checkoutBench() {
  log(`checkout bench: ${N} carts of 3 lines per round at concurrency ${C}, ${ROUNDS} round(s); ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${new Date().toISOString()}`);
  const platform = await startBenchPlatform();
  const url = platform.urls[0];
  const db = createDb(platform.databaseUrl, 2);
  const meter = () =>
    cpuMeter({
      server: () => platform.servers.map((p) => p.pid),
      worker: () => platform.workers.map((p) => p.pid),
      temporal: () => [platform.temporalPid],
      bench: () => [process.pid],
    });
  const cpuLine = (used: Record<string, number>) => Object.entries(used).filter(([, v]) => v > 0.05).map(([k, v]) => `${k}=${v.toFixed(1)}`).join(' ');
  try {
    const stock = N * ROUNDS * 2 + 100;
    const skus = ['bench-co-retail', 'bench-co-retail-m2', 'bench-co-hotel'];
    await operator(url, '/v1/admin/skus', { skuId: skus[0], spuId: 'bench-co-spu-1', title: 'Checkout bench shirt', productType: 'physical', price: 1_000, stock, attributes: {} });
    await operator(url, '/v1/admin/skus', { skuId: skus[1], spuId: 'bench-co-spu-2', title: 'Checkout bench mug', productType: 'physical', price: 500, stock, attributes: { merchantId: 'm-bench-2' } });
    await operator(url, '/v1/admin/skus', { skuId: skus[2], spuId: 'bench-co-spu-3', title: 'Checkout bench room', productType: 'hotel', price: 20_000, stock: 0, attributes: { checkIn: '2026-12-24', nights: 1 } });
    const buyers: Buyer[] = [];
    for (let i = 0; i < C; i++) buyers.push(await register(url, db, i));
    // One cart (warm-up) each way, for connections, caches and first activations.
    await checkoutCart(url, buyers[0], skus);
    await separately(url, buyers[0], skus);

    const rounds: { checkout: number; separate: number; checkoutP50: number; checkoutP99: number; payP50: number; payP99: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const run = async (name: 'checkout' | 'separate') => {
        const stop = meter();
        const r = await carts(buyers, (b) => (name === 'checkout' ? checkoutCart(url, b, skus) : separately(url, b, skus)));
        log(`round ${round} ${name}: carts_per_s=${r.rate.toFixed(2)} orders_per_s=${(3 * r.rate).toFixed(2)} step1_p50_ms=${r.p50[0]} step1_p99_ms=${r.p99[0]} pay_p50_ms=${r.p50[1]} pay_p99_ms=${r.p99[1]} cpu_s: ${cpuLine(stop())}`);
        return r;
      };
      const [first, second] = round % 2 === 1 ? (['checkout', 'separate'] as const) : (['separate', 'checkout'] as const);
      const a = await run(first);
      const b = await run(second);
      const co = first === 'checkout' ? a : b;
      const sep = first === 'checkout' ? b : a;
      rounds.push({ checkout: co.rate, separate: sep.rate, checkoutP50: co.p50[0], checkoutP99: co.p99[0], payP50: co.p50[1], payP99: co.p99[1] });
    }
    const books = await db.raw(`SELECT COUNT(*) AS n FROM account_ledger WHERE entry_type = 'PAYMENT_FREEZE' AND ref_type = 'pay_order'`);
    log(
      `checkout: carts_per_s=${median(rounds.map((r) => r.checkout)).toFixed(2)} orders_per_s=${(3 * median(rounds.map((r) => r.checkout))).toFixed(2)} ` +
        `separate_carts_per_s=${median(rounds.map((r) => r.separate)).toFixed(2)} vs_separate=${median(rounds.map((r) => r.checkout / r.separate)).toFixed(2)} ` +
        `checkout_p50_ms=${median(rounds.map((r) => r.checkoutP50)).toFixed(0)} checkout_p99_ms=${median(rounds.map((r) => r.checkoutP99)).toFixed(0)} ` +
        `pay_p50_ms=${median(rounds.map((r) => r.payP50)).toFixed(0)} pay_p99_ms=${median(rounds.map((r) => r.payP99)).toFixed(0)} pay_order_freezes=${books.rows[0].n}`,
    );
  } finally {
    await db.destroy();
    await platform.stop();
  }
}

/** N carts spread over the buyers, each buyer working its own cart one at a time. */
async function carts(buyers: Buyer[], one: (b: Buyer) => Promise<[number, number]>) {
  const times: [number[], number[]] = [[], []];
  let next = 0;
  const started = Date.now();
  await Promise.all(
    buyers.map(async (b) => {
      while (next++ < N) {
        const t = await one(b);
        times[0].push(t[0]);
        times[1].push(t[1]);
      }
    }),
  );
  return { rate: N / ((Date.now() - started) / 1000), p50: times.map((x) => pct(x, 50)), p99: times.map((x) => pct(x, 99)) };
}

/** A cart of 3 lines checked out (one pay order, 3 orders) and paid once: [checkout ms, pay ms]. */
async function checkoutCart(url: string, b: Buyer, skus: string[]): Promise<[number, number]> {
  for (const skuId of skus) await buyer(url, b, 'POST', '/v1/buyer/cart/items', { skuId, quantity: 1 });
  let t = Date.now();
  const co = await buyer(url, b, 'POST', '/v1/buyer/checkouts', {}, 201);
  const checkoutMs = Date.now() - t;
  if (co.orders.length !== 3) throw new Error(`checkout made ${co.orders.length} orders`);
  t = Date.now();
  const paid = await buyer(url, b, 'POST', `/v1/buyer/pay-orders/${co.payOrder.payOrderId}/payments`, { method: 'balance' });
  if (paid.status !== 'PAID') throw new Error(`pay order ${co.payOrder.payOrderId} is ${paid.status}`);
  return [checkoutMs, Date.now() - t];
}

/** The same 3 orders made and paid one by one: [creates ms, pays ms]. */
async function separately(url: string, b: Buyer, skus: string[]): Promise<[number, number]> {
  let t = Date.now();
  const orders = [];
  for (const skuId of skus) orders.push(await buyer(url, b, 'POST', '/v1/buyer/orders', { items: [{ skuId, quantity: 1 }] }, 201));
  const createMs = Date.now() - t;
  t = Date.now();
  for (const o of orders) await buyer(url, b, 'POST', `/v1/buyer/orders/${o.orderId}/payments`, { method: 'balance' });
  return [createMs, Date.now() - t];
}

let keys = 0;
/** A buyer API call from the buyer's own loopback address; POSTs carry a fresh Idempotency-Key. */
function buyer(url: string, b: Buyer | { ip: string; token?: string }, method: string, path: string, body: unknown, expect = 200): Promise<any> {
  const u = new URL(`${url}${path}`);
  const payload = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), 'idempotency-key': `bench-${process.pid}-${keys++}` };
  if (b.token) headers.authorization = `Bearer ${b.token}`;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method, headers, localAddress: b.ip }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => (res.statusCode === expect ? resolve(text ? JSON.parse(text) : undefined) : reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Registers buyer `i` through the API (the code read where the simulated gateway records it) and tops its balance up. */
async function register(url: string, db: Db, i: number): Promise<Buyer> {
  const ip = `127.0.${Math.floor(i / 200) + 10}.${(i % 200) + 2}`;
  const phone = `1370000${String(i).padStart(4, '0')}`;
  await buyer(url, { ip }, 'POST', '/v1/buyer/verification-codes', { phone, purpose: 'register' }, 202);
  const sms = await db('simulated_sms_messages').where({ phone }).orderBy('message_id', 'desc').first('params');
  const r = await buyer(url, { ip }, 'POST', '/v1/buyer/registrations', { phone, code: sms.params.code, password: 'bench-password-1', nickname: `bench ${i}` }, 201);
  const buyerId = r.buyer.buyerId as string;
  // A top-up from the payment channel (the platform has no top-up route; a new account starts at 0).
  await db.transaction(async (trx) => {
    await ensureAccount(trx, channelAccountId(), 'external');
    await post(trx, `bench-topup-${buyerId}`, 'TOP_UP', { type: 'user', id: buyerId }, [{ accountId: channelAccountId(), balance: -100_000_000 }, { accountId: buyerId, balance: 100_000_000 }]);
  });
  return { buyerId, token: r.session.accessToken, ip };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function operator(url: string, p: string, body: unknown) {
  const res = await fetch(`${url}${p}`, { method: 'POST', headers: OPERATOR, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return res.json();
}
