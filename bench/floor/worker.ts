/**
 * The floor's worker: a bare Temporal worker whose workflow only runs no-op activities
 * (bench/floor/workflows.ts). A separate process, as the platform's worker is.
 */
import { NativeConnection, Worker } from '@temporalio/worker';

async function main() {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.TASK_QUEUE ?? 'floor',
    workflowsPath: require.resolve('./workflows'),
    activities: { noop: async (i: number) => i },
  });
  console.log('floor worker ready');
  await worker.run();
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
