/**
 * Business identity (业务身份): which business line and scenario an order belongs to.
 * A small value object so that "where does this order's behaviour come from" is one
 * value, fixed at creation. Pure: shared by workflows, activities and the server.
 */
export const DEFAULT = '#default';

export interface BizIdentity {
  readonly bizId: string;
  readonly scenario: string;
}

export const USE_CASES = [
  'order.create',
  'order.pay',
  'order.timeoutClose',
  'order.cancel',
  'order.fulfil',
  'order.confirmReceipt',
  'order.refund',
  'order.payBalance',
] as const;
export type UseCase = (typeof USE_CASES)[number];

export function identityKey(identity: BizIdentity): string {
  return `${identity.bizId}.${identity.scenario}`;
}

/** A coordinate in the extension/flow space: bizId.useCase.scenario. */
export interface Coordinate {
  bizId: string;
  useCase: string;
  scenario: string;
}

export function coordinateKey(c: Coordinate): string {
  return `${c.bizId}.${c.useCase}.${c.scenario}`;
}

/**
 * COLA's fallback chain, most specific first:
 * bizId.useCase.scenario → bizId.useCase.#default → bizId.#default.#default → #default.#default.#default
 */
export function fallbackChain(identity: BizIdentity, useCase: string): Coordinate[] {
  const chain: Coordinate[] = [
    { bizId: identity.bizId, useCase, scenario: identity.scenario },
    { bizId: identity.bizId, useCase, scenario: DEFAULT },
    { bizId: identity.bizId, useCase: DEFAULT, scenario: DEFAULT },
    { bizId: DEFAULT, useCase: DEFAULT, scenario: DEFAULT },
  ];
  const seen = new Set<string>();
  return chain.filter((c) => {
    const key = coordinateKey(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
