/**
 * A process issuing order ids as a REST server does (its own machine-id lease), for the
 * test that runs several at once. Prints `ready` once it holds its lease, then, after the
 * go signal, one JSON line: its machine id and the ids.
 * Usage: tsx order-id-child.ts <count> (DATABASE_URL from the environment).
 */
import { createDb } from '../../platform/db/knex';
import { MachineLease } from '../../platform/order-ids/machine-lease';
import { OrderIdGenerator } from '../../platform/order-ids/order-id';

export const READY_LINE = 'ready';

async function main() {
  const count = Number(process.argv[2] ?? 1000);
  const db = createDb(process.env.DATABASE_URL!, 1);
  const lease = await new MachineLease(db).start();
  process.stdout.write(`${READY_LINE}\n`);
  // Wait for the go signal on stdin so every process generates in the same moments.
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  process.stdin.destroy();
  const gen = new OrderIdGenerator(() => lease.current());
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(gen.next(`u-${i % 37}`));
  const line = `${JSON.stringify({ machineId: lease.current(), ids })}\n`;
  await new Promise((resolve) => process.stdout.write(line, resolve)); // flushed before exit
  await lease.stop();
  await db.destroy();
  process.exit(0);
}

// Run as a process only; the test imports READY_LINE from here.
if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
