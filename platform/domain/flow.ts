import type { BizIdentity, UseCase } from './identity';

/**
 * Flows (服务编排) as data: for a use case and an identity, the ordered abilities to
 * run. A step names its compensation when its change must be undone if a later step
 * of the same use case fails.
 */
export interface FlowStep {
  ability: string;
  compensation?: string;
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
  leadPushOnPayment: boolean;
  depositRatio: number;
  perUserLimit?: number;
}

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
  args: Record<string, unknown>;
  /** Outputs of the earlier steps of this use case, merged. */
  ctx: Record<string, unknown>;
}

export interface AbilityResult {
  /** The extension implementation that ran the step (class name), for the history view. */
  extension: string;
  /** Values later steps may read, merged into the flow context. */
  output?: Record<string, unknown>;
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
