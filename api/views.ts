/** Database rows as the REST contract shows them. */
export function skuView(r: any) {
  return {
    skuId: r.sku_id,
    spuId: r.spu_id,
    title: r.title,
    productType: r.product_type,
    price: Number(r.price),
    stock: r.stock,
    reserved: r.reserved,
    sold: r.sold,
    available: r.stock - r.reserved,
    attributes: r.attributes,
  };
}

export function couponView(r: any) {
  return {
    code: r.code,
    amountOff: Number(r.amount_off),
    minSpend: Number(r.min_spend),
    quantity: r.quantity,
    locked: r.locked,
    used: r.used,
    remaining: r.quantity - r.locked - r.used,
    bizIds: r.biz_ids,
  };
}

export function ledgerView(r: any) {
  return {
    entryId: String(r.entry_id),
    seq: r.seq,
    txnId: r.txn_id,
    type: r.entry_type,
    balanceChange: Number(r.balance_change),
    frozenChange: Number(r.frozen_change),
    pointsChange: Number(r.points_change),
    balanceAfter: Number(r.balance_after),
    frozenAfter: Number(r.frozen_after),
    pointsAfter: Number(r.points_after),
    ref: r.ref_type ? { type: r.ref_type, id: r.ref_id } : null,
    at: new Date(r.created_at).toISOString(),
  };
}
