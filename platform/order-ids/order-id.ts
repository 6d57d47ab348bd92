import { createHash } from 'node:crypto';

/**
 * Order ids of the form time + machine id + user shard + sequence:
 *
 *   ord-<ms since epoch, 9 base-36 digits><machine, 2 base-36><user id mod 100, 2 decimal><sequence, 3 base-36>
 *
 * - sortable by time (to the millisecond: within one, the user shard comes before the
 *   sequence, as the layout says): the time comes first at a fixed width, in the same base-36 width
 *   as the platform's other time-ordered ids (platform/ids.ts), so old and new order
 *   ids page together newest first;
 * - routable by user: the user's shard (0–99) can be read back from the id, so an
 *   order can be located in a store sharded by user without a lookup;
 * - unique without coordination: one process holds a machine id at a time
 *   (MachineLease), and within it the sequence never repeats a (ms, sequence) pair.
 */
export const ORDER_ID_PREFIX = 'ord-';
const TIME_WIDTH = 9;
const MACHINE_WIDTH = 2;
const SHARD_WIDTH = 2;
const SEQ_WIDTH = 3;
const SEQ_LIMIT = 36 ** SEQ_WIDTH;
export const USER_SHARDS = 100;

export interface OrderIdParts {
  timeMs: number;
  machineId: number;
  userShard: number;
  sequence: number;
}

/**
 * The shard of a user id. User ids are strings here, so "user id mod 100" is taken of a
 * stable hash of it (the first 32 bits of its SHA-256): every process computes the same.
 */
export function userShardOf(userId: string): number {
  return createHash('sha256').update(userId).digest().readUInt32BE(0) % USER_SHARDS;
}

export class OrderIdGenerator {
  private lastMs = 0;
  private sequence = 0;

  constructor(
    private readonly machineId: () => number,
    private readonly clock: () => number = Date.now,
  ) {}

  next(userId: string): string {
    const machine = this.machineId();
    let now = this.clock();
    // A clock stepping back keeps the last time: ids stay increasing in this process.
    if (now <= this.lastMs) {
      now = this.lastMs;
      this.sequence += 1;
      if (this.sequence >= SEQ_LIMIT) {
        // This millisecond's sequence is spent: move on to the next one.
        now = this.lastMs + 1;
        this.sequence = 0;
      }
    } else {
      this.sequence = 0;
    }
    this.lastMs = now;
    return formatOrderId({ timeMs: now, machineId: machine, userShard: userShardOf(userId), sequence: this.sequence });
  }
}

export function formatOrderId(p: OrderIdParts): string {
  return (
    ORDER_ID_PREFIX +
    p.timeMs.toString(36).padStart(TIME_WIDTH, '0') +
    p.machineId.toString(36).padStart(MACHINE_WIDTH, '0') +
    String(p.userShard).padStart(SHARD_WIDTH, '0') +
    p.sequence.toString(36).padStart(SEQ_WIDTH, '0')
  );
}

const PATTERN = new RegExp(`^${ORDER_ID_PREFIX}([0-9a-z]{${TIME_WIDTH}})([0-9a-z]{${MACHINE_WIDTH}})([0-9]{${SHARD_WIDTH}})([0-9a-z]{${SEQ_WIDTH}})$`);

/** The parts of an order id of this form; undefined for other ids (e.g. older random-suffix ones). */
export function parseOrderId(orderId: string): OrderIdParts | undefined {
  const m = PATTERN.exec(orderId);
  if (!m) return undefined;
  return { timeMs: parseInt(m[1], 36), machineId: parseInt(m[2], 36), userShard: Number(m[3]), sequence: parseInt(m[4], 36) };
}
