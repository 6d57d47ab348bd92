import * as coupon from '../extension-points/coupon';
import * as fulfilment from '../extension-points/fulfilment';
import * as inventory from '../extension-points/inventory';
import * as points from '../extension-points/loyalty-points';
import * as orderCheck from '../extension-points/order-check';
import * as orderStore from '../extension-points/order-store';
import * as payment from '../extension-points/payment';
import * as refund from '../extension-points/refund';
import * as supplier from '../extension-points/supplier';
import type { Ability } from './define-ability';

export type { Ability, AbilityDefinition, StepInput } from './define-ability';
export { ability } from './define-ability';

const isAbility = (value: unknown): value is Ability => typeof value === 'object' && value !== null && 'run' in value && 'extensionPoint' in value;

/**
 * Every ability flows may name. Each is defined once, beside the extension point it
 * calls (extension-points/*.ts), so adding one touches that file and its implementation.
 */
export const ABILITIES: readonly Ability[] = [orderCheck, orderStore, inventory, coupon, payment, fulfilment, refund, supplier, points].flatMap((m) => Object.values(m).filter(isAbility));

export const ABILITY_BY_ID: ReadonlyMap<string, Ability> = new Map(ABILITIES.map((a) => [a.id, a]));

/** Start-up check of the definitions themselves: ids unique, every undo an ability. */
export function checkAbilityDefinitions(abilities: readonly Ability[] = ABILITIES): void {
  const ids = new Set<string>();
  for (const a of abilities) {
    if (ids.has(a.id)) throw new Error(`ability ${a.id} is defined twice`);
    ids.add(a.id);
  }
  for (const a of abilities) {
    if (a.undo && !ids.has(a.undo)) throw new Error(`ability ${a.id} names the undo "${a.undo}", which is not an ability`);
  }
}
checkAbilityDefinitions();
