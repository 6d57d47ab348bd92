import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Db } from '../platform/db/knex';
import { AppError, badRequest } from '../platform/errors/app-error';
import { principalOf } from './auth';

export interface StoredResponse {
  status: number;
  body: unknown;
}

/**
 * Idempotency-Key semantics: the same key with the same body returns the first result
 * and changes nothing; with a different body it is a 409. The key row is claimed before
 * any work, so concurrent duplicates share one resource id (`newResourceId` runs once);
 * they then take the same path, which the workflow id makes idempotent too.
 */
export async function idempotent(
  db: Db,
  req: Request,
  route: string,
  newResourceId: () => string,
  work: (resourceId: string) => Promise<StoredResponse>,
): Promise<StoredResponse> {
  const key = req.header('idempotency-key');
  if (!key || key.length > 64) {
    throw badRequest('an Idempotency-Key header of 1 to 64 characters is required', [{ field: 'Idempotency-Key', message: key ? 'longer than 64 characters' : 'missing' }]);
  }
  const principal = principalOf(req).keyId;
  const requestHash = createHash('sha256').update(`${route}\n${JSON.stringify(req.body ?? {})}`).digest('hex');
  await db('idempotency_keys')
    .insert({ principal, key, route, request_hash: requestHash, status: 'IN_PROGRESS', resource_id: newResourceId() })
    .onConflict(['principal', 'key'])
    .ignore();
  const row = await db('idempotency_keys').where({ principal, key }).first();
  if (row.request_hash !== requestHash) {
    throw new AppError(409, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');
  }
  if (row.status === 'DONE') return { status: row.response_status, body: row.response_body };

  try {
    const response = await work(row.resource_id);
    await remember(db, principal, key, response);
    return response;
  } catch (err) {
    // Business outcomes (4xx) are results too: the same request gets the same answer.
    // A fault leaves the key IN_PROGRESS, so the client's retry can finish the same work.
    if (err instanceof AppError && err.status < 500) {
      await remember(db, principal, key, { status: err.status, body: err.toBody() });
    }
    throw err;
  }
}

async function remember(db: Db, principal: string, key: string, response: StoredResponse) {
  await db('idempotency_keys').where({ principal, key }).update({ status: 'DONE', response_status: response.status, response_body: JSON.stringify(response.body) });
}
