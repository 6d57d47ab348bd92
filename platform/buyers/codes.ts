import { createHmac, randomInt } from 'node:crypto';
import type { Db, Tx } from '../db/knex';
import { AppError } from '../errors/app-error';
import type { SmsGatewayExtPt, SmsMessage } from '../../extensions/sms/sms-gateway.ext-pt';
import type { BuyerSettings } from './settings';
import { countAttempts, lockSubject, recordAttempt } from './throttle';

export type CodePurpose = 'register' | 'login' | 'reset-password';

export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new AppError(429, 'RATE_LIMITED', message, [{ field: 'retryAfterSeconds', message: `retry in ${retryAfterSeconds} s`, retryAfterSeconds }]);

export const invalidCode = () =>
  new AppError(422, 'INVALID_CODE', 'the verification code is wrong, expired or already used; request a new one', [{ field: 'code', message: 'not a valid code for this phone' }]);

/**
 * One-time SMS codes: six digits, valid for `codes.ttlSeconds`, single use, stored as
 * keyed hashes. Sending is throttled per phone and per IP; wrong codes are counted per
 * phone, and past the limit every code of that phone is refused for a while (a correct
 * one too), so guessing a code stops after a handful of tries.
 *
 * Whether a phone has an account is never in the answer: a request always gets the same
 * reply, and the phone's owner learns the rest from the message (a code, or "there is no
 * account" / "you already have one").
 */
export class VerificationCodes {
  constructor(
    private readonly db: Db,
    private readonly settings: BuyerSettings,
    private readonly gateway: () => SmsGatewayExtPt,
  ) {}

  private hash(phone: string, purpose: CodePurpose, code: string) {
    return createHmac('sha256', this.settings.codeSecret).update(`${phone}:${purpose}:${code}`).digest('hex');
  }

  async send(phone: string, purpose: CodePurpose, ip: string): Promise<{ expiresInSeconds: number; resendAfterSeconds: number }> {
    const c = this.settings.codes;
    const message = await this.db.transaction(async (trx) => {
      await lockSubject(trx, `phone:${phone}`);
      const lastSent = await trx('buyer_verification_codes')
        .where({ phone, purpose })
        .where('created_at', '>', trx.raw(`now() - make_interval(secs => ?)`, [c.resendSeconds]))
        .orderBy('created_at', 'desc')
        .first(trx.raw(`ceil(extract(epoch FROM created_at + make_interval(secs => ?) - now()))::int AS left`, [c.resendSeconds]));
      if (lastSent) throw rateLimited(`a code was sent to this phone moments ago; wait before asking again`, Math.max(1, lastSent.left));
      const byPhone = await countAttempts(trx, 'code-sent-phone', phone, 3600, c.perPhonePerHour);
      if (byPhone.count >= c.perPhonePerHour) throw rateLimited('too many codes were sent to this phone; try again later', byPhone.retryAfterSeconds);
      const byIp = await countAttempts(trx, 'code-sent-ip', ip, 3600, c.perIpPerHour);
      if (byIp.count >= c.perIpPerHour) throw rateLimited('too many codes were requested from this address; try again later', byIp.retryAfterSeconds);

      const registered = Boolean(await trx('buyer_accounts').where({ phone }).first('buyer_id'));
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      // A code is sent only where it can be used: to register a new phone, to log in or reset an existing one.
      const usable = purpose === 'register' ? !registered : registered;
      // A new code replaces the phone's earlier ones for the purpose.
      await trx('buyer_verification_codes').where({ phone, purpose }).whereNull('consumed_at').update({ consumed_at: trx.fn.now() });
      await trx('buyer_verification_codes').insert({
        phone,
        purpose,
        code_hash: usable ? this.hash(phone, purpose, code) : null,
        expires_at: trx.raw(`now() + make_interval(secs => ?)`, [c.ttlSeconds]),
        requester_ip: ip,
      });
      await recordAttempt(trx, 'code-sent-phone', phone);
      await recordAttempt(trx, 'code-sent-ip', ip);
      return messageFor(phone, purpose, usable ? code : undefined, registered, c.ttlSeconds);
    });
    await this.gateway().send(message);
    return { expiresInSeconds: c.ttlSeconds, resendAfterSeconds: c.resendSeconds };
  }

  /**
   * Checks and consumes a code inside the caller's transaction. A wrong code is counted
   * (and the caller must commit, then throw `invalidCode()`): returns false.
   */
  async consume(trx: Tx, phone: string, purpose: CodePurpose, code: string): Promise<boolean> {
    const c = this.settings.codes;
    await lockSubject(trx, `phone:${phone}`);
    const failures = await countAttempts(trx, 'code-failed', phone, c.failureWindowSeconds, c.maxFailures);
    if (failures.count >= c.maxFailures) throw rateLimited('too many wrong codes for this phone; wait, then request a new code', failures.retryAfterSeconds);
    const live = await trx('buyer_verification_codes')
      .where({ phone, purpose })
      .whereNull('consumed_at')
      .whereNotNull('code_hash')
      .where('expires_at', '>', trx.fn.now())
      .orderBy('created_at', 'desc')
      .first('code_id', 'code_hash');
    if (live && live.code_hash === this.hash(phone, purpose, code)) {
      const used = await trx('buyer_verification_codes').where({ code_id: live.code_id }).whereNull('consumed_at').update({ consumed_at: trx.fn.now() });
      return used === 1;
    }
    await recordAttempt(trx, 'code-failed', phone);
    if (live) await trx('buyer_verification_codes').where({ code_id: live.code_id }).increment('failed_attempts', 1);
    // At the limit, the live codes die with it: a new one is needed once the window has passed.
    if (failures.count + 1 >= c.maxFailures) await trx('buyer_verification_codes').where({ phone }).whereNull('consumed_at').update({ consumed_at: trx.fn.now() });
    return false;
  }
}

function messageFor(phone: string, purpose: CodePurpose, code: string | undefined, registered: boolean, ttlSeconds: number): SmsMessage {
  const minutes = Math.max(1, Math.round(ttlSeconds / 60));
  if (code) {
    const what = { register: 'register', login: 'log in', 'reset-password': 'reset your password' }[purpose];
    return { phone, template: 'verification-code', params: { code, purpose, minutes: String(minutes) }, text: `Your code to ${what} is ${code}. It is valid for ${minutes} minutes. Never share it.` };
  }
  return registered
    ? { phone, template: 'already-registered', params: { purpose }, text: 'Someone tried to register with this number, which already has an account. Log in, or reset your password.' }
    : { phone, template: 'no-account', params: { purpose }, text: 'Someone asked for a code for this number, which has no account. Register to create one.' };
}
