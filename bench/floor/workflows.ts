import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(i: number): Promise<number> }>({ startToCloseTimeout: '10 seconds' });

/** The floor: a workflow that only runs `steps` no-op activities one after another. */
export async function floorWorkflow(steps: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < steps; i++) sum += await noop(i);
  return sum;
}
