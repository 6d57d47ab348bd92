import { apportion } from './money';

export interface PricedLine {
  lineNo: number;
  skuId: string;
  quantity: number;
  price: number;
  discount: number;
  payable: number;
}

export interface PricedOrder {
  lines: PricedLine[];
  totalAmount: number;
  discountAmount: number;
  payableAmount: number;
}

/**
 * Prices lines and spreads an order-level discount over them in proportion to their
 * amounts, so each line knows exactly what was paid for it (what a refund returns).
 */
export function priceOrder(lines: { skuId: string; quantity: number; price: number }[], orderDiscount: number): PricedOrder {
  const amounts = lines.map((l) => l.price * l.quantity);
  const totalAmount = amounts.reduce((a, b) => a + b, 0);
  const discountAmount = Math.min(orderDiscount, totalAmount);
  const discounts = apportion(discountAmount, amounts);
  const priced = lines.map((l, i) => ({
    lineNo: i + 1,
    skuId: l.skuId,
    quantity: l.quantity,
    price: l.price,
    discount: discounts[i],
    payable: amounts[i] - discounts[i],
  }));
  return { lines: priced, totalAmount, discountAmount, payableAmount: totalAmount - discountAmount };
}

/**
 * The share of an order paid online when a line takes a deposit (new cars: the rest is
 * settled at the store). The deposit is rounded to the fen and spread over the lines in
 * proportion to what each costs, so a refund of any line returns exactly its share.
 * A ratio of 1 leaves the order as it is.
 */
export function applyDeposit(priced: PricedOrder, ratio: number): PricedOrder {
  if (!(ratio > 0 && ratio <= 1)) throw new RangeError('a deposit ratio is more than 0 and at most 1');
  if (ratio === 1) return priced;
  const deposit = Math.round(priced.payableAmount * ratio);
  const shares = apportion(deposit, priced.lines.map((l) => l.payable));
  return { ...priced, lines: priced.lines.map((l, i) => ({ ...l, payable: shares[i] })), payableAmount: deposit };
}
