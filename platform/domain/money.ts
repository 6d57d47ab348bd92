/**
 * Money arithmetic on integer minor units (fen). Pure and exact: apportioned parts
 * always add up to the whole, so refunds of every item return exactly what was paid.
 */

/**
 * Splits `total` over `weights` in proportion, by the largest-remainder method.
 * Ties go to the earlier weight, so the result is deterministic.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  assertInteger(total, 'total');
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (sum <= 0) {
    if (total === 0) return weights.map(() => 0);
    throw new RangeError('cannot apportion a non-zero total over zero weights');
  }
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map((x) => Math.floor(x));
  let remainder = total - parts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => ({ i, frac: x - Math.floor(x) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; remainder > 0; k = (k + 1) % order.length, remainder--) parts[order[k].i] += 1;
  return parts;
}

/**
 * What refunding `quantity` more units of a line is worth, given `alreadyRefundedQty`
 * were refunded before. Computed cumulatively so that refunding a line in any
 * number of steps returns exactly the line's payable amount in total.
 */
export function lineRefundAmount(linePayable: number, lineQuantity: number, alreadyRefundedQty: number, quantity: number): number {
  if (quantity <= 0 || alreadyRefundedQty < 0 || alreadyRefundedQty + quantity > lineQuantity) {
    throw new RangeError('refund quantity out of range');
  }
  const upTo = (q: number) => Math.floor((linePayable * q) / lineQuantity);
  return upTo(alreadyRefundedQty + quantity) - upTo(alreadyRefundedQty);
}

function assertInteger(n: number, name: string) {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be an integer amount in minor units`);
}
