import type { BizConfig } from './flow';

/**
 * Why `method` may not pay an order of this line, or undefined if it may: the one rule,
 * asked at create (a method named there) and at payment. Pure, so the workflow can use it.
 */
export function paymentMethodRefusal(bizId: string, config: Pick<BizConfig, 'paymentMethods'>, method: string): string | undefined {
  if (config.paymentMethods.includes(method)) return undefined;
  // Balance held by the order's pay order (one freeze for several orders) pays where balance does.
  if (method === 'pay-order' && config.paymentMethods.includes('balance')) return undefined;
  return `${bizId} orders cannot be paid by ${method} (allowed: ${config.paymentMethods.join(', ')})`;
}
