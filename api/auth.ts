import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { ApiKeysFile } from '../platform/config/schemas';
import { AppError, notFound } from '../platform/errors/app-error';

/** Who is calling: an operator, or a business line's back end limited to its bizIds (the tenant). */
export interface Principal {
  keyId: string;
  role: 'operator' | 'business';
  bizIds: string[];
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function authenticate(keys: ApiKeysFile) {
  const byHash = new Map(keys.keys.map((k) => [k.sha256, k]));
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(new AppError(401, 'UNAUTHENTICATED', 'send an API key as "Authorization: Bearer <key>"'));
    const key = byHash.get(createHash('sha256').update(match[1]).digest('hex'));
    if (!key) return next(new AppError(401, 'UNAUTHENTICATED', 'the API key is not known'));
    req.principal = { keyId: key.id, role: key.role, bizIds: key.bizIds ?? [] };
    next();
  };
}

export function principalOf(req: Request): Principal {
  return req.principal!;
}

export function requireOperator(req: Request) {
  if (principalOf(req).role !== 'operator') throw new AppError(403, 'FORBIDDEN', 'only operator keys may do this');
}

/** A business key sees only its own lines' data; anything else does not exist for it. */
export function assertTenant(req: Request, bizId: string, what: string) {
  const p = principalOf(req);
  if (p.role !== 'operator' && !p.bizIds.includes(bizId)) throw notFound(what);
}

export function canSee(p: Principal, bizId: string) {
  return p.role === 'operator' || p.bizIds.includes(bizId);
}
