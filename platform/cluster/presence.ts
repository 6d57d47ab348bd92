import type { Db } from '../db/knex';
import { newId } from '../ids';

export interface PresenceOptions {
  /** How often a server says it is alive. */
  beatMs: number;
  /** A server not heard from for this long no longer counts. */
  ttlMs: number;
}

export const DEFAULT_PRESENCE: PresenceOptions = { beatMs: 2_000, ttlMs: 6_000 };

/**
 * The REST servers currently running against this database, as each of them sees it
 * from a heartbeat table. Limits configured for the whole platform (a flash sale's
 * requests per second) are enforced by each server on its share, 1/N of the limit: no
 * per-request coordination, and the sum over the servers is the configured figure.
 */
export class ServerPresence {
  readonly serverId = newId('srv');
  private live = 1;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly opts: PresenceOptions = DEFAULT_PRESENCE,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** This server's share of a cluster-wide limit. */
  share(): number {
    return 1 / this.live;
  }

  liveServers(): number {
    return this.live;
  }

  async beat(): Promise<void> {
    await this.db.raw(
      `INSERT INTO api_servers (server_id, pid, seen_at) VALUES (?, ?, now())
       ON CONFLICT (server_id) DO UPDATE SET seen_at = now()`,
      [this.serverId, process.pid],
    );
    const [{ n }] = (
      await this.db.raw(`SELECT count(*)::int AS n FROM api_servers WHERE seen_at > now() - make_interval(secs => ?)`, [this.opts.ttlMs / 1000])
    ).rows;
    this.live = Math.max(1, n);
    // Rows of servers long gone (killed, so they never said goodbye).
    await this.db('api_servers').whereRaw(`seen_at < now() - interval '1 hour'`).delete();
  }

  /** Beats now and then every `beatMs` (unref'd: it never keeps a process alive). */
  async run(): Promise<this> {
    await this.beat().catch(this.onError);
    this.timer ??= setInterval(() => this.beat().catch(this.onError), this.opts.beatMs);
    this.timer.unref();
    return this;
  }

  /** Leaves the cluster at once (the others' shares grow at their next beat). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.db('api_servers').where({ server_id: this.serverId }).delete();
  }
}
