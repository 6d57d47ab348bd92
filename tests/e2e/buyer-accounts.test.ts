import { closeDatabase, database } from '../support/api';
import { buyerCall, lastCode, newIp, newPhone, PASSWORD, registerBuyer, requestCode, smsTo } from '../support/buyer-api';

afterAll(closeDatabase);

const errorOf = (r: { status: number; body: any }) => `${r.status} ${r.body?.error?.code ?? ''}`.trim();
const login = (body: Record<string, unknown>, ip: string) => buyerCall('POST', '/v1/buyer/sessions', { body, ip });

describe('buyer accounts: registration and logins', () => {
  it('registers with a code read from the SMS gateway; the code works once; the token opens my account', async () => {
    const ip = newIp();
    const phone = newPhone();
    const sent = await requestCode(phone, 'register', ip);
    expect(sent.body).toEqual({ phone: `${phone.slice(0, 3)}****${phone.slice(7)}`, purpose: 'register', expiresInSeconds: 300, resendAfterSeconds: 60 });
    const code = await lastCode(phone);
    const body = { phone: `+86 ${phone}`, code, password: PASSWORD, nickname: 'Xiao Hong', username: `xh_${phone.slice(5)}` };

    const wrong = await buyerCall('POST', '/v1/buyer/registrations', { body: { ...body, code: code === '000000' ? '000001' : '000000' }, ip });
    expect(errorOf(wrong)).toBe('422 INVALID_CODE');
    const weak = await buyerCall('POST', '/v1/buyer/registrations', { body: { ...body, password: 'short' }, ip });
    expect(errorOf(weak)).toBe('400 VALIDATION_FAILED');
    expect(new Set(weak.body.error.details.map((d: any) => d.field))).toEqual(new Set(['password']));

    const created = await buyerCall('POST', '/v1/buyer/registrations', { body, ip });
    expect(created.status).toBe(201);
    expect(created.body.buyer).toMatchObject({ phone: sent.body.phone, nickname: 'Xiao Hong', username: body.username });
    expect(created.body.session).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });

    const again = await buyerCall('POST', '/v1/buyer/registrations', { body: { ...body, username: undefined }, ip });
    expect(errorOf(again)).toBe('422 INVALID_CODE'); // single use

    const me = await buyerCall('GET', '/v1/buyer/me', { token: created.body.session.accessToken, ip });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ buyerId: created.body.buyer.buyerId, balance: 0, frozen: 0, points: 0 });
    const stored = await database()('buyer_accounts').where({ phone }).first('password_hash');
    expect(stored.password_hash).toMatch(/^\$2[aby]\$10\$/); // bcrypt, never the password
    expect(errorOf(await buyerCall('GET', '/v1/buyer/me', { ip }))).toBe('401 UNAUTHENTICATED');
    expect(errorOf(await buyerCall('GET', '/v1/buyer/me', { token: 'not-a-jwt', ip }))).toBe('401 UNAUTHENTICATED');
  });

  it('never tells whether a phone is registered: the same answers, and only the SMS differs', async () => {
    const ip = newIp();
    const known = await registerBuyer({ ip });
    const unknown = newPhone();
    // A minute passes (the register code's resend window), as it would before a second try.
    await database()('buyer_verification_codes').where({ phone: known.phone }).update({ created_at: database().raw(`now() - interval '2 minutes'`) });

    const toKnown = await requestCode(known.phone, 'register', ip);
    const toUnknown = await requestCode(unknown, 'register', ip);
    expect({ ...toKnown.body, phone: 'x' }).toEqual({ ...toUnknown.body, phone: 'x' });
    const loginKnown = await requestCode(known.phone, 'login', ip);
    const loginUnknown = await requestCode(unknown, 'login', ip);
    expect({ ...loginKnown.body, phone: 'x' }).toEqual({ ...loginUnknown.body, phone: 'x' });
    expect((await smsTo(known.phone)).map((m) => m.template)).toEqual(['verification-code', 'already-registered', 'verification-code']);
    expect((await smsTo(unknown)).map((m) => m.template)).toEqual(['verification-code', 'no-account']);

    const wrongPassword = await login({ method: 'password', login: known.phone, password: 'Wrong-pass-1' }, ip);
    const noSuchPhone = await login({ method: 'password', login: unknown, password: 'Wrong-pass-1' }, ip);
    expect(wrongPassword).toEqual(noSuchPhone);
    expect(errorOf(wrongPassword)).toBe('401 UNAUTHENTICATED');
    // A login code asked for an unregistered phone does not exist: the same refusal as a wrong code.
    expect(errorOf(await login({ method: 'code', phone: unknown, code: '123456' }, ip))).toBe('422 INVALID_CODE');
  });

  it('logs in by password (phone or username) and by code; a reset by code changes the password and ends every session', async () => {
    const ip = newIp();
    const username = `buyer_${Date.now().toString(36)}`;
    const b = await registerBuyer({ ip, username });
    const byPhone = await login({ method: 'password', login: b.phone, password: PASSWORD }, ip);
    expect(byPhone.status).toBe(200);
    const byName = await login({ method: 'password', login: username.toUpperCase(), password: PASSWORD }, ip);
    expect(byName.body.buyer.buyerId).toBe(b.buyerId);
    await requestCode(b.phone, 'login', ip);
    const byCode = await login({ method: 'code', phone: b.phone, code: await lastCode(b.phone) }, ip);
    expect(byCode.body.buyer.buyerId).toBe(b.buyerId);

    await requestCode(b.phone, 'reset-password', ip);
    const reset = await buyerCall('POST', '/v1/buyer/password-resets', { body: { phone: b.phone, code: await lastCode(b.phone), newPassword: 'new-secret-77' }, ip });
    expect(reset).toEqual({ status: 200, body: { passwordReset: true, sessionsEnded: true } });
    const ended = await buyerCall('GET', '/v1/buyer/me', { token: byPhone.body.session.accessToken, ip });
    expect(ended.status).toBe(401);
    expect(ended.body.error.details[0].reason).toBe('SESSION_REVOKED');
    expect(errorOf(await login({ method: 'password', login: b.phone, password: PASSWORD }, ip))).toBe('401 UNAUTHENTICATED');
    expect((await login({ method: 'password', login: b.phone, password: 'new-secret-77' }, ip)).status).toBe(200);
  });
});

describe('buyer accounts: brute force stops at the limits', () => {
  it('code guessing: after 5 wrong codes even the right one is refused, and the code is dead', async () => {
    const ip = newIp();
    const b = await registerBuyer({ ip });
    await requestCode(b.phone, 'login', ip);
    const code = await lastCode(b.phone);
    const guesses = ['000000', '111111', '222222', '333333', '444444', '555555'].filter((g) => g !== code).slice(0, 5);
    const replies = [];
    for (const guess of guesses) replies.push(errorOf(await login({ method: 'code', phone: b.phone, code: guess }, ip)));
    replies.push(errorOf(await login({ method: 'code', phone: b.phone, code }, ip)));
    expect(replies).toEqual([...Array(5).fill('422 INVALID_CODE'), '429 RATE_LIMITED']);
    const codes = await database()('buyer_verification_codes').where({ phone: b.phone, purpose: 'login' }).select('consumed_at', 'failed_attempts');
    expect(codes.map((c) => ({ consumed: c.consumed_at !== null, failed: c.failed_attempts }))).toEqual([{ consumed: true, failed: 5 }]);
  });

  it('password guessing: 5 wrong passwords lock the login (the right one is refused too), alike for unknown names; a code login unlocks', async () => {
    const ip = newIp();
    const b = await registerBuyer({ ip });
    const unknown = newPhone();
    const attempt = async (name: string, password: string) => errorOf(await login({ method: 'password', login: name, password }, ip));
    const known: string[] = [];
    const ghost: string[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await attempt(b.phone, `Guess-${i}-x`));
      ghost.push(await attempt(unknown, `Guess-${i}-x`));
    }
    known.push(await attempt(b.phone, PASSWORD));
    ghost.push(await attempt(unknown, PASSWORD));
    expect(known).toEqual([...Array(5).fill('401 UNAUTHENTICATED'), '429 ACCOUNT_LOCKED']);
    expect(ghost).toEqual(known);
    const locked = await login({ method: 'password', login: b.phone, password: PASSWORD }, ip);
    expect(locked.body.error.details[0].retryAfterSeconds).toBeGreaterThan(800);

    await requestCode(b.phone, 'login', ip);
    expect((await login({ method: 'code', phone: b.phone, code: await lastCode(b.phone) }, ip)).status).toBe(200);
    expect(await attempt(b.phone, PASSWORD)).toBe('200');
  });

  it('codes are throttled per phone (one a minute) and per IP (20 an hour)', async () => {
    const ip = newIp();
    const phone = newPhone();
    await requestCode(phone, 'register', ip);
    const again = await buyerCall('POST', '/v1/buyer/verification-codes', { body: { phone, purpose: 'register' }, ip });
    expect(errorOf(again)).toBe('429 RATE_LIMITED');
    expect(again.body.error.details[0].retryAfterSeconds).toBeGreaterThan(50);
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) outcomes.push(errorOf(await buyerCall('POST', '/v1/buyer/verification-codes', { body: { phone: newPhone(), purpose: 'register' }, ip })));
    expect(outcomes).toEqual([...Array(19).fill('202'), '429 RATE_LIMITED']);
    // Another address is not affected.
    expect((await buyerCall('POST', '/v1/buyer/verification-codes', { body: { phone: newPhone(), purpose: 'register' }, ip: newIp() })).status).toBe(202);
  });
});

describe('buyer sessions: rotating refresh tokens', () => {
  it('a refresh rotates the token; a reused one is refused and revokes its family, access tokens included', async () => {
    const ip = newIp();
    const b = await registerBuyer({ ip });
    const first = b.session;
    const rotated = await buyerCall('POST', '/v1/buyer/sessions/refresh', { body: { refreshToken: first.refreshToken }, ip });
    expect(rotated.status).toBe(200);
    expect(rotated.body.session.refreshToken).not.toBe(first.refreshToken);
    expect((await buyerCall('GET', '/v1/buyer/me', { token: rotated.body.session.accessToken, ip })).status).toBe(200);

    const reused = await buyerCall('POST', '/v1/buyer/sessions/refresh', { body: { refreshToken: first.refreshToken }, ip });
    expect(errorOf(reused)).toBe('401 UNAUTHENTICATED');
    expect(reused.body.error.details[0].reason).toBe('REFRESH_TOKEN_REUSED');
    const next = await buyerCall('POST', '/v1/buyer/sessions/refresh', { body: { refreshToken: rotated.body.session.refreshToken }, ip });
    expect(next.body.error.details[0].reason).toBe('SESSION_REVOKED');
    const access = await buyerCall('GET', '/v1/buyer/me', { token: rotated.body.session.accessToken, ip });
    expect(access.body.error.details[0].reason).toBe('SESSION_REVOKED');
    const family = await database()('buyer_session_families').where({ buyer_id: b.buyerId }).select('revoked_reason');
    expect(family).toEqual([{ revoked_reason: 'refresh token reused' }]);

    // Another login is a new family, untouched.
    const fresh = await login({ method: 'password', login: b.phone, password: PASSWORD }, ip);
    expect((await buyerCall('GET', '/v1/buyer/me', { token: fresh.body.session.accessToken, ip })).status).toBe(200);
    const out = await buyerCall('POST', '/v1/buyer/sessions/logout', { token: fresh.body.session.accessToken, body: {}, ip });
    expect(out).toEqual({ status: 200, body: { loggedOut: true } });
    expect((await buyerCall('GET', '/v1/buyer/me', { token: fresh.body.session.accessToken, ip })).status).toBe(401);
    expect(errorOf(await buyerCall('POST', '/v1/buyer/sessions/refresh', { body: { refreshToken: 'rt-x.nothing-here' }, ip }))).toBe('401 UNAUTHENTICATED');
  });
});
