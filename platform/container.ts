import 'reflect-metadata';
import { Container } from 'inversify';
import type { Db } from './db/knex';
import { TYPES } from './db/tokens';
import type { PlatformConfig } from './config/platform-config';
import { ExtensionRegistry } from './registry/extension-registry';
import { ABILITY_BY_ID } from '../abilities';
import { ConfigError, displayPath } from './config/load-yaml';
import { ExtensionNotFoundError } from './registry/extension-registry';
import { USE_CASES } from './domain/identity';

type ExtensionClass = new (...args: any[]) => unknown;

/**
 * Wires the inversify container and the extension registry, then checks that every
 * configured identity's flows resolve an implementation for each extension point
 * they use: a gap stops start-up, naming the flow file and key.
 */
export function buildRegistry(db: Db, config: PlatformConfig, extensions: readonly ExtensionClass[]): ExtensionRegistry {
  const container = new Container();
  container.bind(TYPES.Db).toConstantValue(db);
  container.bind(TYPES.PlatformConfig).toConstantValue(config);
  const registry = new ExtensionRegistry(container, extensions);
  for (const identity of config.identities.all()) {
    for (const useCase of USE_CASES) {
      const found = config.flows.lookup(identity, useCase);
      for (const step of found?.steps ?? []) {
        for (const ability of step.undo ? [step.ability, step.undo.ability] : [step.ability]) {
          const extPt = ABILITY_BY_ID.get(ability)!.extensionPoint;
          try {
            registry.resolve(extPt, identity, useCase);
          } catch (err) {
            if (err instanceof ExtensionNotFoundError) {
              throw new ConfigError(displayPath(config.flows.file), found!.key, `ability "${ability}" needs an implementation of ${extPt.name} for ${identity.bizId}/${identity.scenario}: ${err.message}`);
            }
            throw err;
          }
        }
      }
    }
  }
  return registry;
}
