/**
 * In-test access to the platform's own code paths: the extension registry the worker
 * builds, and ability inputs as the workflow makes them — for tests that must play a
 * step the way a crashed or abandoned workflow would have left it.
 */
import 'reflect-metadata';
import { ABILITY_BY_ID } from '../../abilities';
import { runAbility } from '../../activities/ability-activities';
import { EXTENSIONS } from '../../extensions';
import { loadPlatformConfig } from '../../platform/config/platform-config';
import { buildRegistry } from '../../platform/container';
import type { Db } from '../../platform/db/knex';
import type { AbilityInput, FlowArgs } from '../../platform/domain/flow';
import type { UseCase } from '../../platform/domain/identity';
import type { PlatformConfig } from '../../platform/config/platform-config';
import type { ExtensionRegistry } from '../../platform/registry/extension-registry';

let config: PlatformConfig | undefined;
const platformConfig = () => (config ??= loadPlatformConfig());

export function registryFor(db: Db): ExtensionRegistry {
  return buildRegistry(db, platformConfig(), EXTENSIONS);
}

/** The ability input the workflow would pass for `order` (a row of `orders`). */
export function abilityInput(order: { order_id: string; pay_order_id: string; biz_id: string; scenario: string }, useCase: UseCase, ability: string, xid: string, args: FlowArgs = {}): AbilityInput {
  const identity = { bizId: order.biz_id, scenario: order.scenario };
  return {
    orderId: order.order_id,
    payOrderId: order.pay_order_id,
    identity,
    config: platformConfig().identities.configOf(identity),
    useCase,
    ability,
    phase: 'action',
    xid,
    args,
    ctx: {},
  };
}

/** Runs an ability the way its activity does (resolved for the order's identity), business errors unwrapped. */
export async function runStep(registry: ExtensionRegistry, input: AbilityInput) {
  const ability = ABILITY_BY_ID.get(input.ability);
  if (!ability) throw new Error(`no ability ${input.ability}`);
  return (await runAbility(registry, ability, input)).outcome;
}
