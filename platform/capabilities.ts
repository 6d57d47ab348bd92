import type { PlatformConfig } from './config/platform-config';
import { USE_CASES } from './domain/identity';
import { ABILITY_BY_ID } from '../abilities';
import type { ExtensionRegistry } from './registry/extension-registry';

/**
 * The capability map: for every identity and use case, the flow's steps and the
 * extension class each one (and its undo, from the ability's definition) resolves to. Shown by GET /v1/capabilities and the CLI.
 */
export function capabilityMap(config: PlatformConfig, registry: ExtensionRegistry) {
  return config.identities.all().map((identity) => ({
    bizId: identity.bizId,
    scenario: identity.scenario,
    useCases: USE_CASES.map((useCase) => {
      const flow = config.flows.lookup(identity, useCase);
      const describe = (ability: string) => {
        const extPt = ABILITY_BY_ID.get(ability)!.extensionPoint.name;
        const ext = registry.resolve({ name: extPt }, identity, useCase);
        return { extPt, extension: ext.name, registeredAt: ext.registeredAt };
      };
      return {
        useCase,
        flow: flow?.key ?? null,
        steps: (flow?.steps ?? []).map((step) => ({
          ability: step.ability,
          ...describe(step.ability),
          compensation: step.undo ? { ability: step.undo.ability, ...describe(step.undo.ability) } : null,
        })),
      };
    }),
  }));
}
