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
    `include-path-regex = ${q('^/v1/buyer/(me|cart|orders|refunds)')}`,
    `headers = { Authorization = ${q(`Bearer ${s.accessToken}`)} }`,
    '',
    '[[operations]]',
    `include-path-regex = ${q('^/v1/buyer/sessions/logout$')}`,
    `headers = { Authorization = ${q(`Bearer ${s.logoutAccessToken}`)} }`,
    '',
  ].join('\n');
}
