/**
 * A client of several REST servers, as a load balancer in front of them behaves: requests
 * go round the servers; one that gets no answer (connection refused, or closed before the
 * reply — a server stopping or killed) is sent again to the next server. Every request the
 * platform offers is safe to send twice (create by Idempotency-Key, the others by state or
 * reference id). It records each request's latency, from first send to answer, and the
 * moments answers arrive, so a test can name the longest stall.
 */
export interface Reply<T = any> {
  status: number;
  body: T;
}

export interface FailoverClientOptions {
  /** The servers' base URLs now (a rolling restart changes them). */
  servers: () => string[];
  defaultKey: string;
  /** How long one request may go unanswered (all servers tried, again and again) before it fails. */
  patienceMs: number;
  /** Send a 5xx again (a client riding out a killed worker); false: a 5xx is an answer. */
  retryServerErrors?: boolean;
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number | 'unanswered';
  startedAt: number;
  latencyMs: number;
  /** Sends beyond the first (to another server, or the same one again). */
  resends: number;
}

export class FailoverClient {
  readonly records: RequestRecord[] = [];
  private next = 0;

  constructor(private readonly opts: FailoverClientOptions) {}

  async send<T = any>(method: string, path: string, body?: unknown, opts: { key?: string; idem?: string } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${opts.key ?? this.opts.defaultKey}` };
    if (opts.idem) headers['idempotency-key'] = opts.idem;
    const startedAt = Date.now();
    const giveUpAt = startedAt + this.opts.patienceMs;
    let resends = 0;
    for (let attempt = 0; ; attempt++) {
      const servers = this.opts.servers();
      const base = servers[this.next++ % Math.max(servers.length, 1)];
      try {
        if (!base) throw new Error('no server');
        const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(Math.max(1, giveUpAt - Date.now())) });
        const text = await res.text();
        const reply: Reply<T> = { status: res.status, body: text ? JSON.parse(text) : undefined };
        if (res.status < 500 || !this.opts.retryServerErrors || Date.now() >= giveUpAt) {
          this.records.push({ method, path, status: res.status, startedAt, latencyMs: Date.now() - startedAt, resends });
          return reply;
        }
      } catch (err) {
        if (Date.now() >= giveUpAt) {
          this.records.push({ method, path, status: 'unanswered', startedAt, latencyMs: Date.now() - startedAt, resends });
          throw new Error(`${method} ${path} unanswered after ${this.opts.patienceMs} ms: ${(err as Error).message}`);
        }
      }
      resends += 1;
      // The next server at once; a pause once every server was tried.
      if ((attempt + 1) % Math.max(servers.length, 1) === 0) await new Promise((r) => setTimeout(r, Math.min(100 * (attempt + 1), 1_000)));
    }
  }

  /** The longest request and the longest time without any answer, over the requests sent from `since` (ms epoch) on. */
  stalls(since = 0): { maxLatencyMs: number; slowest?: RequestRecord; maxGapMs: number } {
    const records = this.records.filter((r) => r.startedAt >= since);
    const slowest = records.reduce<RequestRecord | undefined>((a, r) => (!a || r.latencyMs > a.latencyMs ? r : a), undefined);
    const ends = records.map((r) => r.startedAt + r.latencyMs).sort((a, b) => a - b);
    let maxGapMs = 0;
    for (let i = 1; i < ends.length; i++) maxGapMs = Math.max(maxGapMs, ends[i] - ends[i - 1]);
    return { maxLatencyMs: slowest?.latencyMs ?? 0, slowest, maxGapMs };
  }
}
