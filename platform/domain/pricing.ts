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
