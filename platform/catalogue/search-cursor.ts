import { z } from 'zod';
import { badRequest } from '../errors/app-error';
import type { SearchSort } from './product-search';

/**
 * Keyset cursors: the sort keys and SKU id of a page's last hit, so the next page starts
 * strictly after it however many SKUs come and go meanwhile. Opaque to clients (base64url
 * JSON); anything that does not decode to a cursor of the request's sort is a 400.
 */
export interface SearchCursor {
  sort: SearchSort;
  keys: number[];
  skuId: string;
}

const KEY_COUNT: Record<SearchSort, number> = { relevance: 2, 'price-asc': 1, 'price-desc': 1, sales: 1 };

const cursorSchema = z.strictObject({
  s: z.enum(['relevance', 'price-asc', 'price-desc', 'sales']),
  k: z.array(z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER)).max(2),
  id: z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/),
});

export function encodeCursor(c: SearchCursor): string {
  return Buffer.from(JSON.stringify({ s: c.sort, k: c.keys, id: c.skuId })).toString('base64url');
}

export function decodeCursor(raw: string, sort: SearchSort): SearchCursor {
  const invalid = () => badRequest('the request query is invalid', [{ field: 'cursor', message: 'not a cursor of this search (take nextCursor from a page with the same sort)' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success || result.data.s !== sort || result.data.k.length !== KEY_COUNT[sort]) throw invalid();
  return { sort, keys: result.data.k, skuId: result.data.id };
}
