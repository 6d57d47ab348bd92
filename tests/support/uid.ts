import { randomUUID } from 'node:crypto';

let seq = 0;
/** A unique, time-ordered id for test data and Idempotency-Keys: `prefix-<time>-<sequence>-<random>`. */
export const uid = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(seq++).toString(36)}-${randomUUID().slice(0, 6)}`;
