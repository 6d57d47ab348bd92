import { canTransition, isCancellable, isFinal, isRefundable, statusAfterFullRefund, type OrderStatus } from '../../platform/domain/order-status';

describe('order state machine', () => {
  const admitted: [OrderStatus, OrderStatus][] = [
    ['CREATING', 'PENDING_PAYMENT'],
    ['CREATING', 'VOIDED'],
    ['PENDING_PAYMENT', 'PAID'],
    ['PENDING_PAYMENT', 'CLOSED'],
    ['PENDING_PAYMENT', 'CANCELLED'],
    ['PAID', 'SHIPPED'],
    ['PAID', 'CANCELLED'],
    ['SHIPPED', 'DELIVERED'],
    ['SHIPPED', 'CANCELLED'],
    ['DELIVERED', 'COMPLETED'],
    ['DELIVERED', 'CANCELLED'],
  ];

  it.each(admitted)('admits %s → %s', (from, to) => expect(canTransition(from, to)).toBe(true));

  it.each([
    ['PENDING_PAYMENT', 'SHIPPED'],
    ['PAID', 'PENDING_PAYMENT'],
    ['COMPLETED', 'CANCELLED'],
    ['CANCELLED', 'SHIPPED'],
    ['CANCELLED', 'DELIVERED'],
    ['CANCELLED', 'COMPLETED'],
    ['CLOSED', 'PAID'],
    ['CANCELLED', 'PAID'],
    ['VOIDED', 'PENDING_PAYMENT'],
  ] as [OrderStatus, OrderStatus][])('refuses %s → %s', (from, to) => expect(canTransition(from, to)).toBe(false));

  it('knows final, cancellable and refundable states', () => {
    expect(['COMPLETED', 'CLOSED', 'CANCELLED', 'VOIDED'].filter((s) => !isFinal(s as OrderStatus))).toEqual([]);
    expect(isFinal('PAID')).toBe(false);
    expect(isCancellable('PENDING_PAYMENT') && isCancellable('PAID')).toBe(true);
    expect(isCancellable('SHIPPED')).toBe(false);
    expect(isRefundable('PENDING_PAYMENT')).toBe(false);
    expect(isRefundable('DELIVERED')).toBe(true);
    expect(isRefundable('COMPLETED')).toBe(false);
    expect(isRefundable('COMPLETED', true)).toBe(true);
  });

  it('ends an order not yet completed once a refund pays back everything', () => {
    const statuses: OrderStatus[] = ['PAID', 'SHIPPED', 'DELIVERED', 'COMPLETED'];
    expect(Object.fromEntries(statuses.map((s) => [s, statusAfterFullRefund(s)]))).toEqual({ PAID: 'CANCELLED', SHIPPED: 'CANCELLED', DELIVERED: 'CANCELLED', COMPLETED: 'COMPLETED' });
    // Every such end is a transition the state machine admits.
    for (const s of statuses) if (statusAfterFullRefund(s) !== s) expect(canTransition(s, statusAfterFullRefund(s))).toBe(true);
  });
});
