import { orderSetupOf, type PlatformConfig } from '../config/platform-config';
import type { AbilityInput, AbilityResult, OrderWorkflowInput } from '../domain/flow';
import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import { changeOrder } from '../repositories/orders';
import { orphanedOrdersClosed } from '../metrics/instruments';
import { withLogContext } from '../logging/log-context';
import { workflowIdOf } from './workflow-state';

/**
 * Orders whose workflow is gone. An order awaiting payment holds stock and coupons until
 * its workflow's deadline timer closes it; if that workflow was terminated by an operator
 * (or failed for good), nothing ever will, and nobody can pay it either. The scanner finds
 * orders overdue by more than a grace period, asks Temporal whether their workflow still
 * runs — a running one is only late (its worker may be down) and is left alone — and for
 * the others runs the order's own close flow, as the deadline would have: the same
 * abilities, the same xid, so fences make any part the workflow already did a no-op.
 */
export interface WorkflowState {
  /** RUNNING, TERMINATED, FAILED, … or NOT_FOUND. */
  status: string;
  /** The input the workflow started with (its captured configuration and flows), when its history is still kept. */
  input?: OrderWorkflowInput;
}

export interface OrphanScanDeps {
  db: Db;
  /** The ability activities, called directly (the worker's own functions). */
  abilities: Record<string, (input: AbilityInput) => Promise<AbilityResult>>;
  workflowState: (orderId: string) => Promise<WorkflowState>;
  /** Today's configuration: an order's configuration and flows for a workflow whose history is gone. */
  config: PlatformConfig;
  log?: Logger;
}

export interface RepairedOrder {
  orderId: string;
  workflowStatus: string;
  steps: string[];
}

export async function repairOrphanedOrders(deps: OrphanScanDeps, opts: { graceSeconds: number; limit?: number }): Promise<RepairedOrder[]> {
  const { db } = deps;
  const overdue = await db('orders as o')
    .where('o.status', 'PENDING_PAYMENT')
    .where('o.pay_deadline', '<', db.raw('now() - make_interval(secs => ?)', [opts.graceSeconds]))
    // A flash-sale winner whose workflow has not been started yet belongs to the start relay.
    .whereNotExists(db('order_workflow_starts as s').whereRaw('s.order_id = o.order_id').whereNull('s.started_at'))
    .orderBy('o.pay_deadline')
    .limit(opts.limit ?? 50)
    .select('o.order_id', 'o.pay_order_id', 'o.biz_id', 'o.scenario');
  const repaired: RepairedOrder[] = [];
  for (const order of overdue) {
    const ids = { orderId: order.order_id, workflowId: workflowIdOf(order.order_id), bizId: order.biz_id, scenario: order.scenario };
    await withLogContext(ids, async () => {
      const state = await deps.workflowState(order.order_id);
      if (state.status === 'RUNNING') {
        deps.log?.warn('order overdue but its workflow still runs (is a worker down?); left to it');
        return;
      }
      try {
        repaired.push(await closeOrphan(deps, order, state));
      } catch (err) {
        // Each step is idempotent: the next scan tries again from the start.
        deps.log?.warn({ err }, 'could not close an orphaned order yet');
      }
    });
  }
  return repaired;
}

async function closeOrphan(deps: OrphanScanDeps, order: { order_id: string; pay_order_id: string; biz_id: string; scenario: string }, state: WorkflowState): Promise<RepairedOrder> {
  const captured = state.input ?? orderSetupOf(deps.config, { bizId: order.biz_id, scenario: order.scenario });
  const reason = `its workflow is ${state.status}: closed by the orphan scanner after the payment deadline`;
  const steps = captured.flows['order.timeoutClose'].map((s) => s.ability);
  for (const ability of steps) {
    await deps.abilities[ability]({
      orderId: order.order_id,
      payOrderId: order.pay_order_id,
      identity: captured.identity,
      config: captured.config,
      useCase: 'order.timeoutClose',
      ability,
      phase: 'action',
      xid: `${order.order_id}:close`, // the workflow's own xid for this flow
      args: { reason },
      ctx: {},
    });
  }
  await deps.db.transaction(async (trx) => {
    const note = { at: new Date().toISOString(), kind: 'ORPHAN_CLOSED', workflowStatus: state.status, steps };
    await changeOrder(trx, order.order_id, {}, { reason: 'orphaned order closed', note, event: 'OrphanedOrderClosed', eventPayload: note });
  });
  orphanedOrdersClosed.inc({ biz_id: order.biz_id, scenario: order.scenario });
  deps.log?.warn({ orderId: order.order_id, workflowStatus: state.status, steps }, 'closed an orphaned order');
  return { orderId: order.order_id, workflowStatus: state.status, steps };
}
