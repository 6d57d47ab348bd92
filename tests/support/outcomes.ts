/**
 * Replies counted by outcome, so a burst test asserts every reply at once and a failure
 * names what went wrong: `{ '201': 5, '422 INSUFFICIENT_STOCK': 24, '500 INTERNAL': 1 }`
 * rather than "expected true". Written by hand: a dozen lines, where a utility library
 * would be a dependency for one function.
 */
import type { Reply } from './api';

/** `201`, or `422 INSUFFICIENT_STOCK` for a reply in the contract's error format. */
export function outcomeOf(reply: Reply): string {
  const code = reply.body?.error?.code;
  return code ? `${reply.status} ${code}` : String(reply.status);
}

/** How many replies had each outcome. */
export function countByOutcome(replies: readonly Reply[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of replies) {
    const key = outcomeOf(r);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Counts of any values by a key, e.g. rows by status. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/**
 * The replies whose outcome is none of `allowed`, counted by outcome: `{}` when all are
 * allowed. An entry is an outcome (`422 INSUFFICIENT_STOCK`) or a bare status (`422`: any code).
 */
export function unexpectedOutcomes(replies: readonly Reply[], allowed: readonly string[]): Record<string, number> {
  const isAllowed = (outcome: string) => allowed.some((a) => outcome === a || outcome.startsWith(`${a} `));
  return Object.fromEntries(Object.entries(countByOutcome(replies)).filter(([outcome]) => !isAllowed(outcome)));
}
