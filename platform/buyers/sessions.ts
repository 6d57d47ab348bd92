import { createHmac, randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Db, Tx } from '../db/knex';
import { AppError } from '../errors/app-error';
import { newId } from '../ids';
import type { BuyerSettings } from './settings';

const ISSUER = 'order-platform';
const AUDIENCE = 'buyer';

export const unauthenticated = (message: string, reason: string) => new AppError(401, 'UNAUTHENTICATED', message, [{ field: 'authorization', message: reason, reason }]);

export interface SessionTokens {
  tokenType: 'Bearer';
  accessToken: string;
  /** Seconds the access token is valid. */
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: string;
}

export interface BuyerClaims {
  buyerId: string;
  familyId: string;
}

/**
 * Buyer sessions: a short-lived JWT access token (HS256, `jose`) and a rotating refresh
 * token. Each login starts a family; a refresh consumes its token and issues the next
 * one of the family. A refresh token presented a second time means two parties hold it
 * (one of them stole it): the whole family is revoked, and since access tokens carry
 * their family, they stop working at once too.
 */
export class BuyerSessions {
  constructor(
    private readonly db: Db,
    private readonly settings: BuyerSettings,
  ) {}

  private hash(secret: string) {
    return createHmac('sha256', this.settings.codeSecret).update(`refresh:${secret}`).digest('hex');
  }

  async start(trx: Tx, buyerId: string): Promise<SessionTokens> {
    const familyId = newId('fam');
    await trx('buyer_session_families').insert({ family_id: familyId, buyer_id: buyerId });
    return this.issue(trx, buyerId, familyId);
  }

  private async issue(trx: Tx, buyerId: string, familyId: string): Promise<SessionTokens> {
    const tokenId = newId('rt');
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.settings.sessions.refreshTokenDays * 86_400_000);
    await trx('buyer_refresh_tokens').insert({ token_id: tokenId, family_id: familyId, secret_hash: this.hash(secret), expires_at: expiresAt });
    const ttl = this.settings.sessions.accessTokenSeconds;
    const accessToken = await new SignJWT({ fam: familyId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(buyerId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(this.settings.tokenSecret);
    return { tokenType: 'Bearer', accessToken, expiresIn: ttl, refreshToken: `${tokenId}.${secret}`, refreshExpiresAt: expiresAt.toISOString() };
  }

  /** Rotates a refresh token. A reused one revokes its family (committed) and is refused. */
  async refresh(refreshToken: string): Promise<SessionTokens & { buyerId: string }> {
    const [tokenId, secret] = refreshToken.split('.');
    const outcome = await this.db.transaction(async (trx) => {
      const row = tokenId && secret ? await trx('buyer_refresh_tokens as t').join('buyer_session_families as f', 'f.family_id', 't.family_id').where('t.token_id', tokenId).forUpdate('t').first('t.*', 'f.buyer_id', 'f.revoked_at') : undefined;
      if (!row || row.secret_hash !== this.hash(secret)) return { refused: unauthenticated('the refresh token is not valid', 'INVALID_REFRESH_TOKEN') };
      if (row.revoked_at) return { refused: unauthenticated('this session was ended; log in again', 'SESSION_REVOKED') };
      if (row.used_at) {
        await this.revokeFamily(trx, row.family_id, 'refresh token reused');
        return { refused: unauthenticated('this refresh token was already used; the session is ended for safety, log in again', 'REFRESH_TOKEN_REUSED') };
      }
      if (new Date(row.expires_at).getTime() <= Date.now()) return { refused: unauthenticated('the refresh token has expired; log in again', 'REFRESH_TOKEN_EXPIRED') };
      await trx('buyer_refresh_tokens').where({ token_id: tokenId }).update({ used_at: trx.fn.now() });
      return { tokens: { ...(await this.issue(trx, row.buyer_id, row.family_id)), buyerId: row.buyer_id as string } };
    });
    if ('refused' in outcome) throw outcome.refused;
    return outcome.tokens!;
  }

  async revokeFamily(db: Db | Tx, familyId: string, reason: string): Promise<void> {
    await db('buyer_session_families').where({ family_id: familyId }).whereNull('revoked_at').update({ revoked_at: db.fn.now(), revoked_reason: reason });
  }

  async revokeAll(db: Db | Tx, buyerId: string, reason: string): Promise<void> {
    await db('buyer_session_families').where({ buyer_id: buyerId }).whereNull('revoked_at').update({ revoked_at: db.fn.now(), revoked_reason: reason });
  }

  /** The buyer an access token names, if it is valid and its session was not ended. */
  async verify(accessToken: string): Promise<BuyerClaims> {
    let claims: { sub?: string; fam?: unknown };
    try {
      ({ payload: claims } = await jwtVerify(accessToken, this.settings.tokenSecret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthenticated('the access token has expired; refresh it', 'ACCESS_TOKEN_EXPIRED');
      throw unauthenticated('the access token is not valid', 'INVALID_ACCESS_TOKEN');
    }
    if (!claims.sub || typeof claims.fam !== 'string') throw unauthenticated('the access token is not valid', 'INVALID_ACCESS_TOKEN');
    const family = await this.db('buyer_session_families').where({ family_id: claims.fam, buyer_id: claims.sub }).first('revoked_at');
    if (!family || family.revoked_at) throw unauthenticated('this session was ended; log in again', 'SESSION_REVOKED');
    return { buyerId: claims.sub, familyId: claims.fam };
  }
}
