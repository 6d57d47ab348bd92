/**
 * Buyer sessions for the fuzz run: the buyer API refuses API keys (401), so the operations
 * behind a buyer access token are fuzzed with a real buyer's token. The buyer registers
 * through the API with the code the simulated SMS gateway recorded (read from the
 * platform's database, so only on a platform the fuzz run started itself).
 */
import { randomInt } from 'node:crypto';
import { createDb } from '../../platform/db/knex';

export interface BuyerSessions {
  /** For every buyer-token operation but logging out. */
  accessToken: string;
  /** A session of its own for logging out, which ends the session it is called with. */
  logoutAccessToken: string;
}

export async function createBuyerSessions(baseUrl: string, databaseUrl: string): Promise<BuyerSessions> {
  const send = async (p: string, body: unknown) => {
    const res = await fetch(`${baseUrl}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = res.status === 204 ? undefined : ((await res.json().catch(() => undefined)) as any);
    if (!res.ok) throw new Error(`buyer fixture POST ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const phone = `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
  const password = `fuzz-${randomInt(1e9)}-secret`;
  await send('/v1/buyer/verification-codes', { phone, purpose: 'register' });
  const db = createDb(databaseUrl, 1);
  let code: string;
  try {
    const sms = await db('simulated_sms_messages').where({ phone, template: 'verification-code' }).orderBy('message_id', 'desc').first('params');
    if (!sms) throw new Error(`the simulated SMS gateway recorded no code for ${phone}`);
    code = sms.params.code;
  } finally {
    await db.destroy();
  }
  const registered = await send('/v1/buyer/registrations', { phone, code, password, nickname: 'Fuzz buyer' });
  const second = await send('/v1/buyer/sessions', { method: 'password', login: phone, password });
  return { accessToken: registered.session.accessToken, logoutAccessToken: second.session.accessToken };
}

/**
 * A schemathesis configuration file sending each buyer-token operation its buyer's token
 * instead of the API key the command line sends to every other operation.
 */
export function buyerSessionsConfig(s: BuyerSessions): string {
  const q = (v: string) => JSON.stringify(v);
  return [
    '[[operations]]',
    `include-path-regex = ${q('^/v1/buyer/(me|cart|orders|refunds|checkouts|pay-orders)')}`,
    `headers = { Authorization = ${q(`Bearer ${s.accessToken}`)} }`,
    '',
    '[[operations]]',
    `include-path-regex = ${q('^/v1/buyer/sessions/logout$')}`,
    `headers = { Authorization = ${q(`Bearer ${s.logoutAccessToken}`)} }`,
    '',
  ].join('\n');
}

/**
 * The buyer's own orders for the fuzzer to name (a buyer sees no one else's): one paid, one
 * paid with a refund requested, one unpaid to cancel. A new buyer has no balance, so the
 * payment channel's callback pays them (with the operator key given).
 */
export async function createBuyerOrders(baseUrl: string, s: BuyerSessions, skuId: string, operatorKey: string): Promise<Record<string, string>> {
  const send = async (p: string, body: unknown, headers: Record<string, string>) => {
    const res = await fetch(`${baseUrl}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const json = (await res.json()) as any;
    if (!res.ok) throw new Error(`buyer fixture POST ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const asBuyer = { authorization: `Bearer ${s.accessToken}` };
  const order = () => send('/v1/buyer/orders', { items: [{ skuId, quantity: 2 }] }, { ...asBuyer, 'idempotency-key': `fuzz-buyer-${randomInt(1e12)}` });
  const paid = async () => {
    const o = await order();
    await send('/v1/payments/notifications', { payOrderId: o.payOrderId, channelTxnId: `fuzz-txn-${o.orderId}`, status: 'SUCCESS', amount: o.payableAmount }, { authorization: `Bearer ${operatorKey}` });
    return o;
  };
  const open = await paid();
  const refunded = await paid();
  const refund = await send(`/v1/buyer/orders/${refunded.orderId}/refunds`, { items: [{ orderItemId: refunded.items[0].orderItemId, quantity: 1 }], reason: 'fuzz fixture' }, { ...asBuyer, 'idempotency-key': `fuzz-buyer-refund-${refunded.orderId}` });
  const toCancel = await order();
  return { FUZZ_BUYER_ORDER: open.orderId, FUZZ_BUYER_ORDER_ITEM: open.items[0].orderItemId, FUZZ_BUYER_REFUND: refund.refundId, FUZZ_BUYER_ORDER_TO_CANCEL: toCancel.orderId };
}
