import type { BizIdentity, UseCase } from './identity';
import type { PricedOrder } from './pricing';

/**
 * Flows (服务编排) as data: for a use case and an identity, the ordered abilities to
 * run. config/flows.yaml lists ability ids only; when an order starts, each id is
 * captured with what its definition (extension-points/) says: whether it may run as a local
 * activity, and the ability that undoes it. The workflow interprets these captured
 * steps, so a running order keeps the flow it started with whatever code or
 * configuration is deployed later.
 */
export interface FlowStep {
  ability: string;
  /** May run as a Temporal local activity (see `local` in abilities/define-ability.ts). */
  local?: boolean;
  /** The ability that undoes this one; the interpreter pushes it once the step has run. */
  undo?: { ability: string; local?: boolean };
}

export type Flows = Record<UseCase, FlowStep[]>;

/** Per-identity business configuration (业务配置化) the shared flow reads. */
export interface BizConfig {
  payWindowSeconds: number;
  inventoryMode: 'deduct-at-order' | 'deduct-at-payment' | 'reserve' | 'none';
  idCardRequired: boolean;
  couponsAllowed: boolean;
  paymentMethods: string[];
  autoReceiptDays: number;
  /** Days after completion during which a refund may still be requested; 0 = none. */
  afterSaleDays: number;
  leadPushOnPayment: boolean;
  depositRatio: number;
  perUserLimit?: number;
  /** Days a buyer has, from approval, to send back the goods of a refund with returned goods; then it is closed. */
  returnDays: number;
  /** Whether units that shipped may be refunded without their goods coming back (`returnGoods: false`). */
  refundWithoutReturn: boolean;
  /**
   * The balance payment (尾款) of a line that takes a deposit online (depositRatio < 1):
   * `none` (settled outside the platform), `at-delivery` (paid before the hand-over), or
   * `by-deadline` (paid within `balanceDueDays` of the deposit, before the hand-over too).
   */
  balanceDue: 'none' | 'at-delivery' | 'by-deadline';
  balanceDueDays: number;
  /** What happens to the deposit when a `by-deadline` balance is not paid in time: kept (`forfeit`) or paid back (`refund`); the order is cancelled either way. */
  depositOnLapse: 'forfeit' | 'refund';
}

/** Which stage of an order's price a payment attempt pays: the whole payable amount (or the deposit), or the balance after it. */
export type PaymentStage = 'payable' | 'balance';

export interface OrderLineRequest {
  skuId: string;
  quantity: number;
}

export interface CreateOrderRequest {
  userId: string;
  items: OrderLineRequest[];
  couponCode?: string;
  scene: { channel: string; storeId?: string; campaignId?: string };
  payment?: { method: string };
  buyer?: { idCardNo?: string };
}

/** Everything an order's workflow needs, fixed when the order starts. */
export interface OrderWorkflowInput {
  orderId: string;
  payOrderId: string;
  identity: BizIdentity;
  config: BizConfig;
  flows: Flows;
  request: CreateOrderRequest;
  /**
   * When payment is due (epoch ms), for an order written before its workflow started
   * (a flash-sale winner); otherwise the workflow counts the window from its start.
   */
  payDeadlineMs?: number;
}

/** Units of an order's line: what a shipment carries, what a refund covers. */
export interface ItemQuantity {
  orderItemId: string;
  quantity: number;
}

/**
 * A warehouse, store or supplier event for an order (shipped, delivered, failed), or one
 * of a returned parcel (the buyer sent it back, the warehouse received it).
 */
export interface FulfilmentEvent {
  type: 'SHIPPED' | 'DELIVERED' | 'FAILED' | 'RETURN_SHIPPED' | 'RETURN_RECEIVED';
  referenceId: string;
  trackingNo?: string;
  reason?: string;
  /** What the buyer shows at a store hand-over (new cars). */
  verificationCode?: string;
  /** SHIPPED: the units in this parcel (absent: every unit still to ship). */
  items?: ItemQuantity[];
  /** DELIVERED: the parcel that arrived, by its SHIPPED event's referenceId (absent: every parcel on its way). */
  shipmentId?: string;
  /** RETURN_SHIPPED / RETURN_RECEIVED: the refund whose goods come back. */
  refundId?: string;
}

/** A buyer's refund request: which items, how many, and whether the goods come back. */
export interface RefundRequest {
  refundId: string;
  items: { orderItemId: string; quantity: number }[];
  reason: string;
  returnGoods: boolean;
}

/**
 * What the workflow passes to a use case's flow, every field named and typed: each
 * ability's definition picks what its extension point method takes.
 */
export interface FlowArgs {
  /** order.create */
  request?: CreateOrderRequest;
  /** order.create: when payment is due (epoch ms). */
  payDeadline?: number;
  /** order.pay, order.payBalance */
  method?: string;
  /** order.payBalance: the payment steps pay the balance, not the payable amount. */
  stage?: PaymentStage;
  channelTxnId?: string;
  amount?: number;
  /** order.cancel, order.timeoutClose, order.confirmReceipt */
  reason?: string;
  /** order.cancel: what kind of refund a cancel after payment records (CANCEL, FULFILMENT_FAILED). */
  refundKind?: string;
  /** order.fulfil */
  event?: FulfilmentEvent;
  /** refunds */
  refundId?: string;
  items?: RefundRequest['items'];
  returnGoods?: boolean;
  /** refund.awaitReturn: until when (epoch ms, workflow time) the goods may come back. */
  returnDeadline?: number;
}

/** What steps hand to later steps of the same flow (merged into the flow context). */
export interface FlowOutputs {
  /** order.validate: the priced order order.draft writes. */
  priced?: PricedOrder;
  /** fulfilment.record: whether the event was a repeat. */
  duplicate?: boolean;
  /** supplier.book / supplier.confirm */
  bookingRef?: string | null;
  confirmationNo?: string | null;
  /** refund.create */
  amount?: number;
  /**
   * refund.complete: the order's status once the refund is paid (a full refund before receipt
   * ends it); fulfilment.record: once a parcel arrived (DELIVERED when every unit has).
   */
  orderStatus?: string;
  /** refund.awaitReturn: whether the refund waits for its goods to come back before paying. */
  awaitingReturn?: boolean;
}

/** What an ability activity receives. `xid` keys its TCC fence rows. */
export interface AbilityInput {
  orderId: string;
  payOrderId: string;
  identity: BizIdentity;
  config: BizConfig;
  useCase: UseCase;
  ability: string;
  phase: 'action' | 'compensation';
  xid: string;
  args: FlowArgs;
  /** Outputs of the earlier steps of this use case, merged. */
  ctx: FlowOutputs;
}

export interface AbilityResult {
  /** The extension implementation that ran the step (class name), for the history view. */
  extension: string;
  /** Values later steps may read, merged into the flow context. */
  output?: FlowOutputs;
  /** A human sentence for the history view, e.g. "reserved 2 × sku-1". */
  detail?: string;
  /** Where it ran, for the history view of a local activity (whose input is not recorded). */
  useCase?: string;
  phase?: AbilityInput['phase'];
}

/** The create phase's outcome, returned to the REST caller. */
export interface CreateOutcome {
  ok: boolean;
  order?: Record<string, unknown>;
  error?: { status: number; code: string; message: string; details: unknown[] };
}
