import { canTransition, isCancellable, isFinal, isRefundable, type OrderStatus } from '../../platform/domain/order-status';

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
  ];

  it.each(admitted)('admits %s → %s', (from, to) => expect(canTransition(from, to)).toBe(true));

  it.each([
    ['PENDING_PAYMENT', 'SHIPPED'],
    ['PAID', 'PENDING_PAYMENT'],
    ['DELIVERED', 'CANCELLED'],
    ['COMPLETED', 'CANCELLED'],
    ['CLOSED', 'PAID'],
    ['CANCELLED', 'PAID'],
    ['VOIDED', 'PENDING_PAYMENT'],
  ] as [OrderStatus, OrderStatus][])('refuses %s → %s', (from, to) => expect(canTransition(from, to)).toBe(false));

  it('knows final, cancellable and refundable states', () => {
    expect(['COMPLETED', 'CLOSED', 'CANCELLED', 'VOIDED'].every((s) => isFinal(s as OrderStatus))).toBe(true);
    expect(isFinal('PAID')).toBe(false);
    expect(isCancellable('PENDING_PAYMENT') && isCancellable('PAID')).toBe(true);
    expect(isCancellable('SHIPPED')).toBe(false);
    expect(isRefundable('PENDING_PAYMENT')).toBe(false);
    expect(isRefundable('DELIVERED')).toBe(true);
  });
});
