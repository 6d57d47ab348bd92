import { historyFromJson } from './load-history';
import { Worker } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The determinism guard: every recorded history (one per flow, tests/replay/histories/,
 * recorded by `npm run record-histories`) must replay against the current workflow code.
 * A workflow change that would break running orders fails here. Before the first release
 * there is one generation, re-recorded after each deliberate change; from the first
 * release on, such a change goes behind `patched()` and each released generation's
 * histories are kept in a sub-folder named for its release and listed in GENERATIONS
 * (docs/extending.md, "Changing the workflow").
 */
const DIR = path.join(__dirname, 'histories');
const GENERATIONS = [''];
const FLOWS = [
  'complete',
  'auto-receipt',
  'cancel-unpaid',
  'cancel-paid',
  'timeout-close',
  'fulfilment-failed',
  'refund-approved',
  'refund-rejected',
  'refund-after-completion',
  'full-refund-ends-order',
  'channel-payment',
  'pay-refused-then-cancel',
  'used-car-cancel-paid',
  'create-compensated',
  'points-mall-cancel-paid',
  'hotel-cancel-paid',
  'new-car-cancel-deposit',
  'return-closed',
  'split-shipment',
  'new-car-balance-paid',
  'new-car-balance-forfeited',
];

function histories(generation: string) {
  const dir = path.join(DIR, generation);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ workflowId: path.basename(f, '.json'), history: historyFromJson(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))) }));
}

async function replayAll(workflowsPath: string, generation: string) {
  const results = [];
  for await (const r of Worker.runReplayHistories({ workflowsPath, replayName: 'determinism-guard' }, histories(generation))) results.push(r);
  return results;
}

describe.each(GENERATIONS)('workflow determinism (histories/%s)', (generation) => {
  it('has a recorded history for every flow', () => {
    expect(histories(generation).map((h) => h.workflowId)).toEqual([...FLOWS].sort());
  });

  it('replays every recorded history against the current workflow code', async () => {
    const results = await replayAll(require.resolve('../../workflows'), generation);
    const failures = results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error?.message}`);
    expect(failures).toEqual([]);
    expect(results).toHaveLength(FLOWS.length);
  }, 180_000);

  it('catches a change that would break running orders', async () => {
    // A workflow that asks for its steps in another order than the histories recorded.
    const results = await replayAll(require.resolve('./fixtures/reordered-workflow'), generation);
    expect(results.length).toBe(FLOWS.length);
    for (const r of results) expect(r.error?.name).toBe('DeterminismViolationError');
  }, 180_000);
});
