import * as coupon from './coupon';
import type { Ability } from './define-ability';
import * as fulfilment from './fulfilment';
import * as inventory from './inventory';
import * as points from './loyalty-points';
import * as order from './order';
import * as payment from './payment';
import * as refund from './refund';
import * as supplier from './supplier';

export type { Ability, AbilityDefinition, StepInput } from './define-ability';
export { ability } from './define-ability';

/** Every ability flows may name, each defined once in this folder. */
export const ABILITIES: readonly Ability[] = [order, inventory, coupon, payment, fulfilment, refund, supplier, points].flatMap((m) => Object.values(m));

export const ABILITY_BY_ID: ReadonlyMap<string, Ability> = new Map(ABILITIES.map((a) => [a.id, a]));

/** Start-up check of the definitions themselves: ids unique, every undo an ability. */
export function checkAbilityDefinitions(abilities: readonly Ability[] = ABILITIES): void {
  const ids = new Set<string>();
  for (const a of abilities) {
    if (ids.has(a.id)) throw new Error(`ability ${a.id} is defined twice (abilities/)`);
    ids.add(a.id);
  }
  for (const a of abilities) {
    if (a.undo && !ids.has(a.undo)) throw new Error(`ability ${a.id} names the undo "${a.undo}", which is not an ability (abilities/)`);
  }
}
checkAbilityDefinitions();
