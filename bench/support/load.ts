/**
 * Load generation with autocannon (a devDependency): `connections` concurrent
 * keep-alive clients sending `amount` requests in all, each built by `build(i)`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  statusCodeStats: Record<string, { count: number }>;
  errors: number;
  timeouts: number;
  start: Date;
  finish: Date;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  codes: Record<string, number>;
  errors: number;
}

export async function load(opts: {
  url: string;
  connections: number;
  amount: number;
  headers?: Record<string, string>;
  build: (i: number) => { body: string; headers?: Record<string, string> };
}): Promise<LoadResult> {
  let n = 0;
  const result = await autocannon({
    url: opts.url,
    method: 'POST',
    connections: opts.connections,
    amount: opts.amount,
    timeout: 120,
    headers: { 'content-type': 'application/json', ...opts.headers },
    requests: [
      {
        setupRequest: (req: { headers: Record<string, string> }) => {
          const built = opts.build(n++);
          return { ...req, method: 'POST', body: built.body, headers: { ...req.headers, ...built.headers } };
        },
      },
    ],
  });
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    requests: result.requests.total,
    seconds,
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    codes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count])),
    errors: result.errors,
  };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** CPU seconds a process has used so far (Linux /proc), for waiting until the platform is idle. */
export function cpuSeconds(pid: number, withReapedChildren = false): number {
  try {
    const stat = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8') as string;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime + stime (+ cutime + cstime of children it has reaped), in clock ticks
    return (Number(fields[11]) + Number(fields[12]) + (withReapedChildren ? Number(fields[13]) + Number(fields[14]) : 0)) / 100;
  } catch {
    return 0;
  }
}

/** Waits until the given processes together use less than `share` of a core for a second. */
export async function untilIdle(pids: number[], share = 0.1, timeoutMs = 300_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const before = pids.reduce((a, p) => a + cpuSeconds(p), 0);
    await sleep(1_000);
    const used = pids.reduce((a, p) => a + cpuSeconds(p), 0) - before;
    if (used < share || Date.now() > until) return;
  }
}

/** Pids of a process's direct children (PostgreSQL's backends are children of the postmaster). */
export function childrenOf(pid: number): number[] {
  const fs = require('node:fs') as typeof import('node:fs');
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** CPU seconds used by groups of processes (the first pid of a group also counts its reaped children) until the returned function is called. */
export function cpuMeter(groups: Record<string, () => number[]>) {
  const read = () => Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, pids().reduce((a, p, i) => a + cpuSeconds(p, i === 0), 0)]));
  const before = read();
  return () => {
    const after = read();
    return Object.fromEntries(Object.keys(groups).map((k) => [k, Math.max(0, after[k] - before[k])]));
  };
}
