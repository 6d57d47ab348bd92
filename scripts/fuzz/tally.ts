/**
 * Counts what a fuzz run sent and got, from schemathesis's HAR report (one entry per
 * generated test case): cases, the operations of the document they reached, and the
 * answers by operation and status class — server errors (5xx) above all.
 */
import fs from 'node:fs';

export interface Tally {
  cases: number;
  /** Per operation ("GET /v1/orders/{orderId}"): answers by status. */
  byOperation: Map<string, Map<number, number>>;
  /** Requests matching no operation of the document. */
  unmatched: number;
  serverErrors: { operation: string; status: number; method: string; url: string; body: string; response: string }[];
}

interface HarEntry {
  request: { method: string; url: string; postData?: { text?: string } };
  response: { status: number; content?: { text?: string } };
}

/** Matchers from the document's path templates to operation labels. */
export function operationsOf(document: { paths: Record<string, Record<string, unknown>> }) {
  return Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.keys(methods).map((method) => ({
      label: `${method.toUpperCase()} ${template}`,
      method: method.toUpperCase(),
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    })),
  );
}

export function tallyHar(files: string[], operations: ReturnType<typeof operationsOf>, into?: Tally): Tally {
  const tally: Tally = into ?? { cases: 0, byOperation: new Map(operations.map((o) => [o.label, new Map()])), unmatched: 0, serverErrors: [] };
  for (const file of files) {
    const entries = (JSON.parse(fs.readFileSync(file, 'utf8')).log?.entries ?? []) as HarEntry[];
    for (const e of entries) {
      tally.cases++;
      const pathname = new URL(e.request.url).pathname;
      const op = operations.find((o) => o.method === e.request.method && o.pattern.test(pathname));
      if (op) {
        const statuses = tally.byOperation.get(op.label)!;
        statuses.set(e.response.status, (statuses.get(e.response.status) ?? 0) + 1);
      } else {
        // Methods the document does not list, paths whose ids hold a slash: answered all the same.
        tally.unmatched++;
      }
      if (e.response.status >= 500) {
        tally.serverErrors.push({
          operation: op?.label ?? `${e.request.method} (outside the document)`,
          status: e.response.status,
          method: e.request.method,
          url: e.request.url,
          body: (e.request.postData?.text ?? '').slice(0, 500),
          response: (e.response.content?.text ?? '').slice(0, 300),
        });
      }
    }
  }
  return tally;
}

/** Operations that got at least one answer other than 401 (i.e. were exercised past authentication). */
export function exercised(t: Tally): string[] {
  return [...t.byOperation].filter(([, statuses]) => [...statuses.keys()].some((s) => s !== 401)).map(([label]) => label);
}

/** Operations that answered at least once with a 2xx. */
export function succeeded(t: Tally): string[] {
  return [...t.byOperation].filter(([, statuses]) => [...statuses.keys()].some((s) => s >= 200 && s < 300)).map(([label]) => label);
}
