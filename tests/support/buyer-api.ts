/**
 * A buyer's client of /v1/buyer/…: requests go out from a chosen loopback address
 * (127.x.y.z all reach the server on Linux), so each test is its own "IP" for the
 * per-IP throttles; codes are read where the simulated SMS gateway records them.
 */
import http from 'node:http';
import { randomInt } from 'node:crypto';
import { database, type Reply } from './api';
import { testEnv } from './test-env';

export interface BuyerCallOpts {
  token?: string;
  guest?: string;
  body?: unknown;
  idem?: string;
  ip?: string;
}

export function buyerCall<T = any>(method: string, path: string, opts: BuyerCallOpts = {}): Promise<Reply<T>> {
  const url = new URL(`${testEnv().baseUrl}${path}`);
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.guest) headers['x-guest-cart-token'] = opts.guest;
  if (opts.idem) headers['idempotency-key'] = opts.idem;
  if (payload) headers['content-length'] = String(Buffer.byteLength(payload));
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, localAddress: opts.ip ?? '127.0.0.1' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A phone number no other test uses (a mainland mobile number). */
export const newPhone = () => `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;

/** A loopback address of its own for a test (the per-IP limits count by it). */
export const newIp = () => `127.${randomInt(1, 250)}.${randomInt(1, 250)}.${randomInt(2, 250)}`;

/** The messages the simulated gateway sent to a phone, oldest first. */
export async function smsTo(phone: string): Promise<{ template: string; text: string; params: Record<string, string> }[]> {
  return database()('simulated_sms_messages').where({ phone }).orderBy('message_id').select('template', 'text', 'params');
}

export async function lastCode(phone: string): Promise<string> {
  const messages = await smsTo(phone);
  const last = messages[messages.length - 1];
  if (last?.template !== 'verification-code') throw new Error(`no code was sent to ${phone}: ${JSON.stringify(messages)}`);
  return last.params.code;
}

export async function requestCode(phone: string, purpose: 'register' | 'login' | 'reset-password', ip: string) {
  const r = await buyerCall('POST', '/v1/buyer/verification-codes', { body: { phone, purpose }, ip });
  if (r.status !== 202) throw new Error(`verification code: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

export const PASSWORD = 'correct-horse-42';

/** Registers a buyer through the API (code read from the simulated gateway). */
export async function registerBuyer(opts: { ip?: string; guestCartToken?: string; username?: string } = {}) {
  const ip = opts.ip ?? newIp();
  const phone = newPhone();
  await requestCode(phone, 'register', ip);
  const body: Record<string, unknown> = { phone, code: await lastCode(phone), password: PASSWORD, nickname: 'Xiao Ming' };
  if (opts.guestCartToken) body.guestCartToken = opts.guestCartToken;
  if (opts.username) body.username = opts.username;
  const r = await buyerCall('POST', '/v1/buyer/registrations', { body, ip });
  if (r.status !== 201) throw new Error(`register: ${r.status} ${JSON.stringify(r.body)}`);
  return { phone, ip, buyerId: r.body.buyer.buyerId as string, session: r.body.session as { accessToken: string; refreshToken: string }, reply: r };
}
