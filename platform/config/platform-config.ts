import path from 'node:path';
import { envSettings } from '../env';
import { ConfigError, configDir, deepMerge, displayPath, parseConfig, readYaml } from './load-yaml';
import { apiKeysFileSchema, flowsFileSchema, identitiesFileSchema, type ApiKeysFile } from './schemas';
import { IdentityResolver } from '../identity/identity-resolver';
import { FlowResolver } from '../flows/flow-resolver';
import type { BizConfig, Flows } from '../domain/flow';
import { DEFAULT, type BizIdentity } from '../domain/identity';
import { checkInventoryModes } from '../flows/inventory-modes';

/**
 * Everything read from config/, validated once at start-up. An optional overlay file
 * (CONFIG_OVERLAY, same layout: `identities:`, `flows:` sections, and `apiKeys:` whose
 * keys are added) is merged on top; the tests use it for short payment windows,
 * operators for local overrides, and a business line can be onboarded from one.
 */
export interface PlatformConfig {
  identities: IdentityResolver;
  flows: FlowResolver;
  apiKeys: ApiKeysFile;
  dir: string;
}

export function loadPlatformConfig(dir = configDir(), overlayFile = envSettings().CONFIG_OVERLAY): PlatformConfig {
  const overlay = overlayFile ? (readYaml(overlayFile) as Record<string, unknown> | null) ?? {} : {};
  const identitiesPath = path.join(dir, 'identities.yaml');
  const flowsPath = path.join(dir, 'flows.yaml');
  const keysPath = envSettings().API_KEYS_FILE ?? path.join(dir, 'api-keys.yaml');

  const rawIdentities = readYaml(identitiesPath) as Record<string, unknown>;
  const overlayIdentities = (overlay.identities ?? {}) as Record<string, unknown>;
  // Overlay rules go first: they are the more specific ones.
  const mergedIdentities = {
    ...(deepMerge(rawIdentities, { ...overlayIdentities, rules: undefined }) as Record<string, unknown>),
    rules: [...((overlayIdentities.rules as unknown[]) ?? []), ...((rawIdentities?.rules as unknown[]) ?? [])],
  };
  const identitiesFile = parseConfig(identitiesFileSchema, mergedIdentities, identitiesPath);
  const flowsFile = parseConfig(flowsFileSchema, deepMerge(readYaml(flowsPath), overlay.flows), flowsPath);
  const apiKeys = parseConfig(apiKeysFileSchema, readYaml(keysPath), keysPath);
  if (overlay.apiKeys) apiKeys.keys.push(...parseConfig(apiKeysFileSchema, overlay.apiKeys, overlayFile!).keys);

  const identities = new IdentityResolver(identitiesFile);
  const flows = new FlowResolver(flowsFile, flowsPath);
  flows.validate();
  crossCheck(identitiesFile.rules, identities, identitiesPath, flowsFile, flowsPath);
  checkInventoryModes(identities, flows, identitiesPath);
  return { identities, flows, apiKeys, dir };
}

/** What an order of this identity starts with (captured in its workflow's input): the identity, its merged configuration, its flows. */
export interface OrderSetup {
  identity: BizIdentity;
  config: BizConfig;
  flows: Flows;
}

export function orderSetupOf(config: PlatformConfig, identity: BizIdentity): OrderSetup {
  return { identity, config: config.identities.configOf(identity), flows: config.flows.resolveAll(identity) };
}

function crossCheck(
  rules: { name: string; identity: { bizId: string; scenario: string } }[],
  identities: IdentityResolver,
  identitiesPath: string,
  flowsFile: Record<string, Record<string, unknown>>,
  flowsPath: string,
) {
  rules.forEach((rule, i) => {
    if (!identities.has(rule.identity)) {
      throw new ConfigError(displayPath(identitiesPath), `rules[${i}].identity`, `rule "${rule.name}" names ${rule.identity.bizId}/${rule.identity.scenario}, which is not under lines`);
    }
  });
  for (const [bizId, scenarios] of Object.entries(flowsFile)) {
    if (bizId === DEFAULT) continue;
    for (const scenario of Object.keys(scenarios)) {
      if (scenario !== DEFAULT && !identities.has({ bizId, scenario })) {
        throw new ConfigError(displayPath(flowsPath), `${bizId}.${scenario}`, `flows for an identity not configured in identities.yaml`);
      }
    }
  }
  for (const id of identities.all()) identities.configOf(id); // all merge cleanly
}
