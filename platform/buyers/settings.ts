import path from 'node:path';
import { z } from 'zod';
import { configDir, parseConfig, readYaml } from '../config/load-yaml';

const positive = z.number().int().min(1);

const buyersFileSchema = z.strictObject({
  openLines: z.array(z.string().min(1)).min(0),
  codes: z.strictObject({
    ttlSeconds: positive,
    resendSeconds: z.number().int().min(0),
    perPhonePerHour: positive,
    perIpPerHour: positive,
    maxFailures: positive,
    failureWindowSeconds: positive,
  }),
  login: z.strictObject({ maxFailures: positive, lockSeconds: positive, perIpFailures: positive }),
  sessions: z.strictObject({ accessTokenSeconds: positive, refreshTokenDays: positive }),
  cart: z.strictObject({ maxQuantityPerSku: positive.max(999), maxLines: positive.max(50), guestCartDays: positive }),
});

export type BuyersPolicy = z.infer<typeof buyersFileSchema>;

export interface BuyerSettings extends BuyersPolicy {
  /** Signs access tokens (HS256). */
  tokenSecret: Uint8Array;
  /** Keys the hashes of verification codes and refresh tokens. */
  codeSecret: string;
}

/** Development defaults: published here, so any real deployment must set its own. */
export const DEV_TOKEN_SECRET = 'dev-buyer-token-secret-not-for-production';
export const DEV_CODE_SECRET = 'dev-buyer-code-secret-not-for-production';

const envSchema = z.object({
  BUYER_TOKEN_SECRET: z.string().min(32, 'at least 32 characters').default(DEV_TOKEN_SECRET),
  BUYER_CODE_SECRET: z.string().min(32, 'at least 32 characters').default(DEV_CODE_SECRET),
  BUYERS_FILE: z.string().optional(),
  NODE_ENV: z.string().optional(),
});

/** config/buyers.yaml (or BUYERS_FILE) and the secrets from the environment, validated at start-up. */
export function loadBuyerSettings(env: NodeJS.ProcessEnv = process.env, knownLines?: (bizId: string) => boolean): BuyerSettings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`buyer settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && (e.BUYER_TOKEN_SECRET === DEV_TOKEN_SECRET || e.BUYER_CODE_SECRET === DEV_CODE_SECRET)) {
    throw new Error('buyer settings: set BUYER_TOKEN_SECRET and BUYER_CODE_SECRET in production (the development defaults are public)');
  }
  const file = e.BUYERS_FILE ?? path.join(configDir(), 'buyers.yaml');
  const policy = parseConfig(buyersFileSchema, readYaml(file), file);
  const unknown = knownLines ? policy.openLines.filter((l) => !knownLines(l)) : [];
  if (unknown.length > 0) throw new Error(`${file}: openLines names line(s) not configured in identities.yaml: ${unknown.join(', ')}`);
  return { ...policy, tokenSecret: new TextEncoder().encode(e.BUYER_TOKEN_SECRET), codeSecret: e.BUYER_CODE_SECRET };
}
