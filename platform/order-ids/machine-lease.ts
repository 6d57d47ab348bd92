import { hostname } from 'node:os';
import type { Db } from '../db/knex';
import { newId } from '../ids';

export interface LeaseOptions {
  /** How long a claim or renewal holds the machine id. */
  ttlMs: number;
  /** How often the holder renews (well inside ttlMs). */
  renewMs: number;
  /**
   * How long past its expiry a machine id stays unclaimable. Ids embed the issuing
   * host's clock: a new holder of the same machine id must not reach milliseconds the
   * old holder may have stamped, so this must exceed twice the clock skew tolerated
   * between hosts (NTP keeps it far below a second).
   */
  quarantineMs: number;
  /** Stop issuing this long before the lease's own deadline (timer and clock-rate slack). */
  safetyMs: number;
}

export const DEFAULT_LEASE: LeaseOptions = { ttlMs: 30_000, renewMs: 5_000, quarantineMs: 30_000, safetyMs: 5_000 };

export class MachineLeaseLost extends Error {
  constructor(why: string) {
    super(`no valid machine-id lease: ${why}`);
    this.name = 'MachineLeaseLost';
  }
}

/**
 * A machine id (0 … 1295) leased from PostgreSQL (table id_machine_leases), so every
 * process that issues order ids has its own without coordinating per id. The claim
 * takes a row lock (`FOR UPDATE SKIP LOCKED`), so two processes never claim one row;
 * the holder renews it and stops using it once the lease's deadline (measured on this
 * process's monotonic clock from before the renewal was sent, so it ends before the
 * database's expiry) has passed without a renewal; another process may claim it only
 * a quarantine later.
 */
export class MachineLease {
  readonly holder = newId('idgen');
  private machine?: number;
  private validUntil = 0; // performance.now() deadline
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly opts: LeaseOptions = DEFAULT_LEASE,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** The machine id, while the lease is valid. */
  current(): number {
    if (this.machine === undefined) throw new MachineLeaseLost('none claimed yet');
    if (performance.now() > this.validUntil) throw new MachineLeaseLost(`the lease on machine id ${this.machine} was not renewed in time`);
    return this.machine;
  }

  /** Claims a machine id and keeps renewing it (unref'd timer). */
  async start(): Promise<this> {
    await this.renew();
    this.timer ??= setInterval(() => this.renew().catch(this.onError), this.opts.renewMs);
    this.timer.unref();
    return this;
  }

  /** Renews the lease held, or claims a free machine id if there is none (or it was lost). */
  async renew(): Promise<void> {
    const sentAt = performance.now();
    const ttl = this.opts.ttlMs / 1000;
    if (this.machine !== undefined) {
      const renewed = await this.db('id_machine_leases')
        .where({ machine_id: this.machine, holder: this.holder })
        .update({ expires_at: this.db.raw(`now() + make_interval(secs => ?)`, [ttl]) })
        .returning('machine_id');
      if (renewed.length > 0) {
        this.validUntil = sentAt + this.opts.ttlMs - this.opts.safetyMs;
        return;
      }
      this.machine = undefined; // taken over (we were away longer than the lease): claim anew
    }
    const { rows } = await this.db.raw(
      `UPDATE id_machine_leases SET holder = ?, host = ?, pid = ?, expires_at = now() + make_interval(secs => ?)
        WHERE machine_id = (
          SELECT machine_id FROM id_machine_leases
           WHERE expires_at < now() - make_interval(secs => ?)
           ORDER BY expires_at, machine_id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING machine_id`,
      [this.holder, hostname(), process.pid, ttl, this.opts.quarantineMs / 1000],
    );
    if (rows.length === 0) throw new MachineLeaseLost('every machine id is leased');
    this.machine = rows[0].machine_id as number;
    this.validUntil = sentAt + this.opts.ttlMs - this.opts.safetyMs;
  }

  /** Gives the machine id back (it stays quarantined like any expired lease). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.machine === undefined) return;
    await this.db('id_machine_leases').where({ machine_id: this.machine, holder: this.holder }).update({ expires_at: this.db.fn.now() });
    this.machine = undefined;
  }
}
