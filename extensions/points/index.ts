export * from './step-outcome';
export * from './order-check.ext-pt';
export * from './order-store.ext-pt';
export * from './inventory.ext-pt';
export * from './coupon.ext-pt';
export * from './payment.ext-pt';
export * from './fulfilment.ext-pt';
export * from './refund.ext-pt';
