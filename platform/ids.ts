import { randomBytes } from 'node:crypto';

/**
 * Time-ordered ids (ms timestamp + randomness, base32-ish), so ids sort by creation
 * and "newest first" listings can page by id. Prefix says what the id names.
 */
export function newId(prefix: string): string {
  const time = Date.now().toString(36).padStart(9, '0');
  const rand = randomBytes(8).toString('hex');
  return `${prefix}-${time}${rand}`;
}
