import { WorkflowNotFoundError } from '@temporalio/client';
import { buildHistory } from '../../api/history';
import type { OrderClient } from '../../api/order-client';
import type { Db } from '../../platform/db/knex';
import type { OrderView } from '../../platform/repositories/orders';

/** A status log of one row, read the way knex is called by buildHistory. */
const db = (() => {
  const rows = [{ at: new Date('2026-01-01T00:00:00Z'), field: 'status', from_value: 'CREATING', to_value: 'PENDING_PAYMENT', version: 2, reason: 'created' }];
  return (() => ({ where: () => ({ orderBy: async () => rows }) })) as unknown as Db;
})();
const order = { orderId: 'ord-1', workflowId: 'order-ord-1', bizId: 'retail', scenario: 'default' } as OrderView;
const client = (history: () => Promise<unknown>) => ({ history }) as unknown as OrderClient;

describe('order history when Temporal cannot be read', () => {
  it('answers 503 TEMPORAL_UNAVAILABLE instead of a history without its steps', async () => {
    const failing = client(async () => {
      throw new Error('14 UNAVAILABLE: connection refused');
    });
    await expect(buildHistory(db, failing, order)).rejects.toMatchObject({ status: 503, code: 'TEMPORAL_UNAVAILABLE' });
  });

  it('shows the status log alone for a workflow past its retention (gone for good)', async () => {
    const gone = client(async () => {
      throw new WorkflowNotFoundError('workflow execution not found', 'order-ord-1', undefined);
    });
    const history = await buildHistory(db, gone, order);
    expect(history.events.map((e) => e.kind)).toEqual(['STATUS_CHANGED']);
  });
});
