import type { Db, Tx } from '../db/knex';
import { AppError } from '../errors/app-error';
import { newId } from '../ids';
import { openUserAccount } from '../repositories/accounts';
import { invalidCode, rateLimited, type VerificationCodes } from './codes';
import { hashPassword, verifyPassword } from './passwords';
import type { BuyerSessions, SessionTokens } from './sessions';
import type { BuyerSettings } from './settings';
import { clearAttempts, countAttempts, lockSubject, recordAttempt } from './throttle';

export interface BuyerRow {
  buyer_id: string;
  phone: string;
  username: string | null;
  nickname: string;
  password_hash: string;
  locked_until: Date | null;
  created_at: Date;
}

const wrongCredentials = () => new AppError(401, 'UNAUTHENTICATED', 'the login name or the password is wrong', [{ field: 'password', message: 'wrong login name or password', reason: 'INVALID_CREDENTIALS' }]);
const locked = (retryAfterSeconds: number) =>
  new AppError(429, 'ACCOUNT_LOCKED', 'too many wrong passwords for this login; it is locked for a while (log in with a code, or reset the password)', [
    { field: 'login', message: `retry in ${retryAfterSeconds} s`, retryAfterSeconds },
  ]);

/**
 * Registration, the two logins and password reset. Every answer about a phone or login
 * name reads the same whether or not it has an account; a locked login name looks the
 * same too, since failures are counted per name (known or not) as well as per account.
 */
export class BuyerAccounts {
  constructor(
    private readonly db: Db,
    private readonly settings: BuyerSettings,
    private readonly codes: VerificationCodes,
    private readonly sessions: BuyerSessions,
  ) {}

  async register(b: { phone: string; code: string; password: string; nickname: string; username?: string }): Promise<{ buyer: BuyerRow; tokens: SessionTokens }> {
    const passwordHash = await hashPassword(b.password);
    const outcome = await this.db.transaction(async (trx) => {
      if (!(await this.codes.consume(trx, b.phone, 'register', b.code))) return { refused: invalidCode() };
      if (b.username && (await trx('buyer_accounts').whereRaw('lower(username) = ?', [b.username.toLowerCase()]).first('buyer_id'))) {
        throw new AppError(409, 'USERNAME_TAKEN', `the username ${b.username} is taken; choose another`, [{ field: 'username', message: 'taken' }]);
      }
      const buyerId = newId('buyer');
      await openUserAccount(trx, { userId: buyerId, balance: 0, points: 0, attributes: { buyer: true } }, false);
      // A code for "register" is only issued to a phone without an account, so the phone is free here
      // unless two registrations raced on one code-less path; the unique index is the last word.
      await trx('buyer_accounts').insert({ buyer_id: buyerId, phone: b.phone, username: b.username ?? null, nickname: b.nickname, password_hash: passwordHash });
      const tokens = await this.sessions.start(trx, buyerId);
      return { buyer: await trx('buyer_accounts').where({ buyer_id: buyerId }).first(), tokens };
    });
    if ('refused' in outcome) throw outcome.refused;
    return outcome as { buyer: BuyerRow; tokens: SessionTokens };
  }

  async loginWithCode(phone: string, code: string): Promise<{ buyer: BuyerRow; tokens: SessionTokens }> {
    const outcome = await this.db.transaction(async (trx) => {
      if (!(await this.codes.consume(trx, phone, 'login', code))) return { refused: invalidCode() };
      const buyer = await trx('buyer_accounts').where({ phone }).first();
      if (!buyer) return { refused: invalidCode() }; // a login code is only issued to an account's phone
      await this.unlock(trx, buyer);
      return { buyer, tokens: await this.sessions.start(trx, buyer.buyer_id) };
    });
    if ('refused' in outcome) throw outcome.refused;
    return outcome as { buyer: BuyerRow; tokens: SessionTokens };
  }

  /** `login` is a phone number (already normalised) or a username. */
  async loginWithPassword(login: string, password: string, ip: string): Promise<{ buyer: BuyerRow; tokens: SessionTokens }> {
    const l = this.settings.login;
    const subject = login.toLowerCase();
    const byIp = await countAttempts(this.db, 'login-failed-ip', ip, l.lockSeconds, l.perIpFailures);
    if (byIp.count >= l.perIpFailures) throw rateLimited('too many failed logins from this address; try again later', byIp.retryAfterSeconds);
    const byName = await countAttempts(this.db, 'login-failed', subject, l.lockSeconds, l.maxFailures);
    if (byName.count >= l.maxFailures) throw locked(byName.retryAfterSeconds);
    const buyer: BuyerRow | undefined = await this.db('buyer_accounts').where({ phone: login }).orWhereRaw('lower(username) = ?', [subject]).first();
    if (buyer?.locked_until && new Date(buyer.locked_until).getTime() > Date.now()) throw locked(Math.ceil((new Date(buyer.locked_until).getTime() - Date.now()) / 1000));

    if (!(await verifyPassword(password, buyer?.password_hash))) {
      await this.db.transaction(async (trx) => {
        await lockSubject(trx, `login:${subject}`);
        await recordAttempt(trx, 'login-failed', subject);
        await recordAttempt(trx, 'login-failed-ip', ip);
        if (!buyer) return;
        const [row] = await trx('buyer_accounts').where({ buyer_id: buyer.buyer_id }).increment('failed_logins', 1).returning('failed_logins');
        // The account itself locks too, so its other login names (phone, username) are locked with it.
        if (row.failed_logins >= l.maxFailures) {
          await trx('buyer_accounts')
            .where({ buyer_id: buyer.buyer_id })
            .update({ failed_logins: 0, locked_until: trx.raw(`now() + make_interval(secs => ?)`, [l.lockSeconds]) });
        }
      });
      throw wrongCredentials();
    }
    return this.db.transaction(async (trx) => {
      await trx('buyer_accounts').where({ buyer_id: buyer!.buyer_id }).update({ failed_logins: 0 });
      return { buyer: buyer!, tokens: await this.sessions.start(trx, buyer!.buyer_id) };
    });
  }

  /** Sets a new password by code; every session of the account ends and its lock is lifted. */
  async resetPassword(phone: string, code: string, newPassword: string): Promise<void> {
    const passwordHash = await hashPassword(newPassword);
    const refused = await this.db.transaction(async (trx) => {
      if (!(await this.codes.consume(trx, phone, 'reset-password', code))) return invalidCode();
      const buyer = await trx('buyer_accounts').where({ phone }).first();
      if (!buyer) return invalidCode();
      await trx('buyer_accounts').where({ buyer_id: buyer.buyer_id }).update({ password_hash: passwordHash, updated_at: trx.fn.now() });
      await this.unlock(trx, buyer);
      await this.sessions.revokeAll(trx, buyer.buyer_id, 'password reset');
      return undefined;
    });
    if (refused) throw refused;
  }

  private async unlock(trx: Tx, buyer: BuyerRow) {
    await trx('buyer_accounts').where({ buyer_id: buyer.buyer_id }).update({ failed_logins: 0, locked_until: null });
    await clearAttempts(trx, 'login-failed', [buyer.phone, ...(buyer.username ? [buyer.username.toLowerCase()] : [])]);
  }
}
