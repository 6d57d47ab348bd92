import bcrypt from 'bcryptjs';
import { z } from 'zod';
import { envSettings } from '../env';

/**
 * bcrypt through bcryptjs: pure JavaScript, so no install script and no native binary
 * (the CI machine builds nothing); cost 10 takes ~60–100 ms here, which is what slows
 * an offline guess.
 */
const COST = envSettings().BUYER_BCRYPT_COST;

/** bcrypt reads at most 72 bytes; longer passwords would be silently cut. */
export const password = z
  .string()
  .min(8, 'at least 8 characters')
  .refine((p) => Buffer.byteLength(p, 'utf8') <= 72, 'at most 72 bytes')
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), 'letters and digits');

export function hashPassword(plain: string): Promise<string> {
  return bcrypt.hash(plain, COST);
}

// Compared against when the login name is unknown, so both answers take as long.
const DUMMY_HASH = bcrypt.hashSync('not-a-password-0', COST);

export function verifyPassword(plain: string, hash: string | undefined): Promise<boolean> {
  return bcrypt.compare(plain, hash ?? DUMMY_HASH).then((ok) => ok && hash !== undefined);
}
