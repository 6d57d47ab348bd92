/**
 * The abilities (能力) flows may name. Each entry says which extension point it calls
 * and, where it changes something that a later failure must undo, its compensation.
 * Activities implement every entry; start-up checks flows against this list.
 */
export interface AbilitySpec {
  id: string;
  extPt: string;
  /** The ability that undoes this one; a flow step using it must name it. */
  compensation?: string;
  /**
   * Run as a Temporal local activity: in the worker, inside the workflow task, with no
   * activity task round trip through the server — for short steps that only read or
   * write the platform's own database, where the server's bookkeeping of an activity
   * costs more than the step (BENCHMARKS.md: about two thirds of an order's Temporal
   * work). Like any activity it runs at least once; a local one, moreover, runs again
   * whenever the workflow task it ran in is lost with its worker — after its own effects
   * and those of the steps that followed it. So `local` is only for steps whose re-run
   * gives the first outcome again: changes that are fenced or state-checked. A check
   * (order.validate) is not: re-run after the order's own stock hold or coupon lock, it
   * may refuse what it had let through (the fault test caught exactly that). A step that
   * calls out (a supplier, a payment gateway) or may run long stays regular too.
   *
   * Flows run by the workflow's own code (create, the deadline's close, automatic
   * receipt) use local activities throughout; an update handler's flow runs its steps as
   * regular activities until one has completed, so that the update's acceptance is
   * durable before anything changes (FlowContext in workflows/flow-interpreter.ts says
   * why: the fault test caught the alternative).
   */
  local?: true;
  /**
   * The patch (workflows: `patched()`) with which this ability stopped running locally:
   * histories recorded before it replay it as the local activity it was.
   */
  localUntilPatch?: string;
  description: string;
}

export const ABILITIES: readonly AbilitySpec[] = [
  { id: 'order.validate', localUntilPatch: 'checks-as-regular-activities', extPt: 'OrderCheckExtPt', description: 'check the buyer, goods, price and coupon; price the order' },
  { id: 'order.draft', local: true, extPt: 'OrderStoreExtPt', compensation: 'order.void', description: 'write the invisible order, its items and snapshots' },
  { id: 'order.void', local: true, extPt: 'OrderStoreExtPt', description: 'void an order whose creation failed' },
  { id: 'order.activate', local: true, extPt: 'OrderStoreExtPt', description: 'make the order visible, awaiting payment' },
  { id: 'order.markPaid', local: true, extPt: 'OrderStoreExtPt', description: 'mark the order and its pay order paid' },
  { id: 'order.close', local: true, extPt: 'OrderStoreExtPt', description: 'close an order whose payment deadline passed' },
  { id: 'order.cancel', local: true, extPt: 'OrderStoreExtPt', description: 'mark the order cancelled' },
  { id: 'order.complete', local: true, extPt: 'OrderStoreExtPt', description: 'complete a delivered order' },
  { id: 'inventory.reserve', local: true, extPt: 'InventoryExtPt', compensation: 'inventory.release', description: 'hold stock for the order' },
  { id: 'inventory.release', local: true, extPt: 'InventoryExtPt', description: 'give held or sold units back to stock' },
  { id: 'inventory.commit', local: true, extPt: 'InventoryExtPt', description: 'turn held units into sold ones' },
  { id: 'inventory.restock', local: true, extPt: 'InventoryExtPt', description: 'put returned goods of a refund back into stock' },
  { id: 'coupon.lock', local: true, extPt: 'CouponExtPt', compensation: 'coupon.unlock', description: 'lock the coupon for the order' },
  { id: 'coupon.unlock', local: true, extPt: 'CouponExtPt', description: 'return a locked or used coupon' },
  { id: 'coupon.consume', local: true, extPt: 'CouponExtPt', description: 'mark the locked coupon used' },
  { id: 'payment.freeze', extPt: 'PaymentExtPt', compensation: 'payment.unfreeze', description: 'TCC try: freeze the payable amount' },
  { id: 'payment.unfreeze', extPt: 'PaymentExtPt', description: 'TCC cancel: release the frozen amount' },
  { id: 'payment.confirm', extPt: 'PaymentExtPt', description: 'TCC confirm: settle the frozen amount to the merchant' },
  { id: 'payment.refund', extPt: 'PaymentExtPt', description: 'pay money back to the buyer' },
  { id: 'fulfilment.record', extPt: 'FulfilmentExtPt', description: 'apply a warehouse/store/supplier event' },
  { id: 'refund.create', extPt: 'RefundExtPt', description: 'price and record a refund request' },
  { id: 'refund.reject', extPt: 'RefundExtPt', description: 'reject a refund request' },
  { id: 'refund.complete', extPt: 'RefundExtPt', description: 'record a refund as paid back' },
  { id: 'inventory.deduct', local: true, extPt: 'InventoryExtPt', compensation: 'inventory.release', description: 'take stock with the payment (inventory mode deduct-at-payment)' },
  { id: 'supplier.book', extPt: 'SupplierExtPt', compensation: 'supplier.cancelBooking', description: "book with the line's supplier (hotel room, flight seat)" },
  { id: 'supplier.cancelBooking', extPt: 'SupplierExtPt', description: 'cancel the supplier booking' },
  { id: 'supplier.confirm', extPt: 'SupplierExtPt', description: 'confirm the booking once paid (guarantee the room, issue the ticket)' },
  { id: 'points.deduct', local: true, extPt: 'PointsExtPt', compensation: 'points.return', description: "TCC try: hold the order's points from the buyer" },
  { id: 'points.return', local: true, extPt: 'PointsExtPt', description: 'TCC cancel: give held points back' },
  { id: 'points.confirm', local: true, extPt: 'PointsExtPt', description: 'TCC confirm: settle the held points to the merchant' },
  { id: 'points.refund', local: true, extPt: 'PointsExtPt', description: 'give settled points back to the buyer' },
];

export const ABILITY_BY_ID: ReadonlyMap<string, AbilitySpec> = new Map(ABILITIES.map((a) => [a.id, a]));
