import type { NextFunction, Request, Response } from 'express';
import { badRequest, type ErrorDetail } from '../platform/errors/app-error';

/**
 * Refuses, before any route runs, input PostgreSQL cannot store whatever the field: the
 * NUL character (U+0000), which neither text nor jsonb columns accept, anywhere in the
 * path, the query or the JSON body (keys included), and JSON nested deeper than any
 * request of the contract needs (jsonb parsing of a very deep document exhausts the
 * database's stack). Field-level schemas cannot say this for free-form JSON such as SKU
 * or user attributes, so it is checked once here.
 */
export const MAX_JSON_DEPTH = 32;
const NUL = '\u0000';

export function rejectUnstorableInput(req: Request, _res: Response, next: NextFunction) {
  const details: ErrorDetail[] = [];
  if (safeDecode(req.path).includes(NUL)) details.push({ field: 'path', message: 'contains the NUL character (\\u0000)' });
  for (const [name, value] of Object.entries(req.query ?? {})) {
    if (name.includes(NUL) || holdsNul(value)) details.push({ field: name.replaceAll(NUL, '\\u0000'), message: 'contains the NUL character (\\u0000)' });
  }
  walk(req.body, '', 0, details);
  if (details.length === 0) return next();
  next(badRequest('the request holds characters or nesting that cannot be stored', details.slice(0, 20)));
}

function walk(value: unknown, at: string, depth: number, details: ErrorDetail[]) {
  if (details.length >= 20) return;
  const field = at || 'body';
  if (typeof value === 'string') {
    if (value.includes(NUL)) details.push({ field, message: 'contains the NUL character (\\u0000)' });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_JSON_DEPTH) {
    details.push({ field, message: `nested deeper than ${MAX_JSON_DEPTH} levels` });
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const path = at ? `${at}.${key}` : key;
    if (key.includes(NUL)) details.push({ field: path.replaceAll(NUL, '\\u0000'), message: 'a key contains the NUL character (\\u0000)' });
    walk(child, path.replaceAll(NUL, '\\u0000'), depth + 1, details);
  }
}

const holdsNul = (v: unknown): boolean =>
  typeof v === 'string' ? v.includes(NUL) : v !== null && typeof v === 'object' ? Object.values(v).some(holdsNul) : false;

/** The path as the router will decode it; a malformed escape is the router's to refuse. */
function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
