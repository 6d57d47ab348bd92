/**
 * The flows the rehearsal drives through the load balancer: the fault test's mixed order
 * flows (tests/support/mixed-order-flows.ts) and a flash sale. Each flow says how its order
 * must end; a request the platform answers wrongly is a violation.
 */
import { flowTools, orderFlows, type FlowContext, type OrderFixtures, type Reply } from '../../tests/support/mixed-order-flows';
import { KEYS, uid, type RetryingClient } from './client';

export interface Fixtures extends OrderFixtures {
  campaignId: string;
  /** The SKU the flash-sale campaign sells. */
  flashSku: string;
}

export function rehearsalFlows(
  client: RetryingClient,
  ctx: Omit<FlowContext, 'send' | 'quickChannel' | 'usedCarKey' | 'fx'> & { fx: Fixtures },
): Record<string, () => Promise<void>> {
  const flowContext: FlowContext = {
    ...ctx,
    send: (method, path, body, opts = {}) => client.send(method, path, { body, ...opts }),
    // The rehearsal's configuration overlay gives this channel seconds-long windows.
    quickChannel: 'rehearsal-quick',
    usedCarKey: KEYS.usedCar,
  };
  const { send, fx, random, expected, violation } = flowContext;
  const { pick, expect2xx } = flowTools(flowContext);
  return {
    ...orderFlows(flowContext),
    async flashSale() {
      const idem = uid('fs');
      let r: Reply | undefined;
      // 429 answered nothing: the same key is tried again, as the contract says.
      for (let i = 0; i < 20; i++) {
        r = await send('POST', `/v1/flash-sales/${ctx.fx.campaignId}/orders`, { userId: pick(fx.users), quantity: 1 }, { idem });
        if (r.status !== 429) break;
        await new Promise((res) => setTimeout(res, 300));
      }
      if (r!.status !== 201) {
        if (!(r!.status === 409 && r!.body?.error?.code === 'SOLD_OUT') && !(r!.status === 422 && r!.body?.error?.code === 'LIMIT_EXCEEDED') && r!.status !== 429) violation(`flashSale: answered ${r!.status} ${JSON.stringify(r!.body)}`);
        return;
      }
      const order = r!.body;
      if (random() < 0.3) {
        // Never paid: the campaign's short window closes it and its unit goes back to the campaign.
        expected.set(order.orderId, { flow: 'flashSale unpaid', statuses: ['CLOSED'] });
        return;
      }
      expected.set(order.orderId, { flow: 'flashSale', statuses: ['SHIPPED', 'CLOSED'] }); // CLOSED if a fault outlasted its pay window
      const paid = await send('POST', `/v1/orders/${order.orderId}/payments`, { method: 'balance' });
      if (paid.status !== 200) return;
      expect2xx('flashSale', 'ship', await send('POST', `/v1/orders/${order.orderId}/fulfilment-events`, { type: 'SHIPPED', referenceId: uid('wh') }));
    },
  };
}
