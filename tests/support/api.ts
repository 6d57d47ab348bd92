/**
 * A small client for the platform's REST API and a database handle for checking
 * invariants, as the tests' users would see them.
 */
import { randomUUID } from 'node:crypto';
import { createDb, type Db } from '../../platform/db/knex';
import { testEnv } from './test-env';

export const KEYS = {
  operator: 'dev-operator-key',
  retail: 'dev-retail-key',
  usedCar: 'dev-used-car-key',
  newCar: 'dev-new-car-key',
  hotel: 'dev-hotel-key',
  flight: 'dev-flight-key',
  pointsMall: 'dev-points-mall-key',
} as const;

export interface Reply<T = any> {
  status: number;
  body: T;
}

export async function call<T = any>(method: string, path: string, opts: { key?: string | null; body?: unknown; idem?: string; raw?: string; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(opts.headers ?? {}) };
  if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? KEYS.retail}`;
  if (opts.idem) headers['idempotency-key'] = opts.idem;
  const send = () => fetch(`${testEnv().baseUrl}${path}`, { method, headers, body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) });
  let res: Response;
  try {
    res = await send();
  } catch (err) {
    // fetch keeps connections alive across test files; one left idle past the server's
    // keep-alive timeout may be closed just as a request goes out on it (a busy CPU delays
    // the client's own idle timer). Only a connection closed before any answer is retried,
    // once, on a new connection; a server that is down still fails the call, and an answer
    // cut short fails it too.
    if (!isIdleConnectionClosed(err)) throw err;
    res = await send();
  }
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

function isIdleConnectionClosed(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code === 'UND_ERR_SOCKET' && cause.message === 'other side closed';
}

export const get = <T = any>(path: string, key?: string) => call<T>('GET', path, { key });
export const post = <T = any>(path: string, body: unknown, key?: string, idem?: string) => call<T>('POST', path, { body, key, idem });

/** Unique ids per test run, so tests never see each other's data. */
import { uid } from './uid';
export { uid };

export async function makeUser(opts: { balance?: number; points?: number; attributes?: Record<string, unknown> } = {}) {
  const userId = uid('u');
  const r = await post('/v1/admin/users', { userId, balance: opts.balance ?? 100_000, points: opts.points ?? 0, attributes: opts.attributes ?? {} }, KEYS.operator);
  if (r.status !== 200) throw new Error(`makeUser: ${r.status} ${JSON.stringify(r.body)}`);
  return userId;
}

export async function makeSku(opts: { price?: number; stock?: number; productType?: string; attributes?: Record<string, unknown> } = {}) {
  const skuId = uid('sku');
  const r = await post('/v1/admin/skus', { skuId, spuId: `spu-${skuId}`, title: `Test ${skuId}`, productType: opts.productType ?? 'physical', price: opts.price ?? 1_000, stock: opts.stock ?? 10, attributes: opts.attributes ?? {} }, KEYS.operator);
  if (r.status !== 200) throw new Error(`makeSku: ${r.status} ${JSON.stringify(r.body)}`);
  return skuId;
}

export async function makeCoupon(opts: { amountOff?: number; minSpend?: number; quantity?: number; bizIds?: string[] } = {}) {
  const code = uid('C').toUpperCase();
  const r = await post('/v1/admin/coupons', { code, amountOff: opts.amountOff ?? 100, minSpend: opts.minSpend ?? 0, quantity: opts.quantity ?? 10, bizIds: opts.bizIds ?? ['retail'] }, KEYS.operator);
  if (r.status !== 200) throw new Error(`makeCoupon: ${r.status} ${JSON.stringify(r.body)}`);
  return code;
}

export interface OrderOpts {
  userId: string;
  items: { skuId: string; quantity: number }[];
  couponCode?: string;
  channel?: string;
  key?: string;
  idem?: string;
  /** Extra scene fields (storeId, campaignId). */
  scene?: Record<string, string>;
  buyer?: { idCardNo?: string };
}

export function createOrder(o: OrderOpts) {
  const body: Record<string, unknown> = { userId: o.userId, items: o.items, scene: { channel: o.channel ?? 'app', ...(o.scene ?? {}) } };
  if (o.couponCode) body.couponCode = o.couponCode;
  if (o.buyer) body.buyer = o.buyer;
  return call('POST', '/v1/orders', { body, key: o.key, idem: o.idem ?? uid('idem') });
}

export async function createdOrder(o: OrderOpts) {
  const r = await createOrder(o);
  if (r.status !== 201) throw new Error(`createOrder: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export const pay = (orderId: string, key?: string, method = 'balance') => post(`/v1/orders/${orderId}/payments`, { method }, key);
export const fulfil = (orderId: string, type: string, referenceId = uid('ref'), extra: Record<string, unknown> = {}, key?: string) =>
  post(`/v1/orders/${orderId}/fulfilment-events`, { type, referenceId, ...extra }, key);

export async function account(userId: string) {
  return (await get(`/v1/accounts/${userId}`, KEYS.operator)).body as { balance: number; frozen: number; points: number };
}
export async function sku(skuId: string) {
  return (await get(`/v1/skus/${skuId}`, KEYS.operator)).body as { stock: number; reserved: number; sold: number };
}

export { eventually } from './polling';

let db: Db | undefined;
/** Direct database access, for checking invariants the API does not show. */
export function database(): Db {
  db ??= createDb(testEnv().databaseUrl, 2);
  return db;
}
export async function closeDatabase() {
  await db?.destroy();
  db = undefined;
}
