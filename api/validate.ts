import type { z } from 'zod';
import { badRequest } from '../platform/errors/app-error';

/** Parses input against a schema; every problem becomes a field-level detail of one 400. */
export function parse<T>(schema: z.ZodType<T>, data: unknown, where: 'body' | 'query' = 'body'): T {
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: base ? `${base}.${k}` : k, message: 'unknown field' }));
    }
    return [{ field: base || where, message: issue.message }];
  });
  // One detail per field: a value can break several rules at once (not an integer and too large).
  const firstPerField = details.filter((d, i) => details.findIndex((e) => e.field === d.field) === i);
  return throwIt(badRequest(`the request ${where} is invalid`, firstPerField));
}

function throwIt(err: Error): never {
  throw err;
}
