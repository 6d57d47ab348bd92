import * as coupon from './coupon.steps';
import * as fulfilment from './fulfilment.steps';
import * as inventory from './inventory.steps';
import * as order from './order.steps';
import * as payment from './payment.steps';
import * as points from './points.steps';
import * as refund from './refund.steps';
import * as supplier from './supplier.steps';
import type { StepDefinition } from './define-step';

export const STEPS: StepDefinition[] = [order, inventory, coupon, payment, fulfilment, refund, supplier, points].flatMap((m) => Object.values(m));
