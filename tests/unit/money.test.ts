import { apportion, lineRefundAmount } from '../../platform/domain/money';
import { priceOrder } from '../../platform/domain/pricing';

describe('apportion', () => {
  it('splits in proportion and always adds up to the whole', () => {
    expect(apportion(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(apportion(1000, [9900, 2500])).toEqual([798, 202]);
    for (const total of [0, 1, 7, 999, 123457]) {
      const parts = apportion(total, [3, 5, 7, 11]);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      parts.forEach((p) => expect(Number.isInteger(p)).toBe(true));
    }
  });

  it('gives ties to the earlier weight, deterministically', () => {
    expect(apportion(1, [1, 1])).toEqual([1, 0]);
  });

  it('refuses non-integer totals and non-zero totals over zero weights', () => {
    expect(() => apportion(1.5, [1])).toThrow(RangeError);
    expect(() => apportion(5, [0, 0])).toThrow(RangeError);
    expect(apportion(0, [0, 0])).toEqual([0, 0]);
  });
});

describe('lineRefundAmount', () => {
  it('returns exactly the line payable when refunded in any number of steps', () => {
    const payable = 1999; // 3 units with a discount share that does not divide evenly
    const stepwise = [1, 1, 1].reduce((acc, q, i) => acc + lineRefundAmount(payable, 3, i, q), 0);
    expect(stepwise).toBe(payable);
    expect(lineRefundAmount(payable, 3, 0, 2) + lineRefundAmount(payable, 3, 2, 1)).toBe(payable);
  });

  it('refuses more than was bought', () => {
    expect(() => lineRefundAmount(100, 2, 1, 2)).toThrow(RangeError);
    expect(() => lineRefundAmount(100, 2, 0, 0)).toThrow(RangeError);
  });
});

describe('priceOrder', () => {
  it('spreads a coupon over the lines by amount', () => {
    const priced = priceOrder([{ skuId: 'a', quantity: 2, price: 9900 }, { skuId: 'b', quantity: 1, price: 2500 }], 1000);
    expect(priced.totalAmount).toBe(22300);
    expect(priced.discountAmount).toBe(1000);
    expect(priced.payableAmount).toBe(21300);
    expect(priced.lines.map((l) => l.discount)).toEqual([888, 112]);
    expect(priced.lines.reduce((a, l) => a + l.payable, 0)).toBe(priced.payableAmount);
  });

  it('never discounts below zero', () => {
    const priced = priceOrder([{ skuId: 'a', quantity: 1, price: 500 }], 1000);
    expect(priced.discountAmount).toBe(500);
    expect(priced.payableAmount).toBe(0);
  });
});
