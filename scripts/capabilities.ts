/**
 * `npm run capabilities` — prints the capability map: for every business identity and
 * use case, the flow's steps (and where in config/flows.yaml the flow comes from) and
 * the extension class each step resolves to. Reads the same configuration as the
 * worker (CONFIG_DIR, CONFIG_OVERLAY, EXTENSION_MODULES), so it also shows what a
 * configuration change would do before it is deployed.
 *
 *   npm run capabilities                 # every identity
 *   npm run capabilities -- new-car      # the identities of some lines
 *   npm run capabilities -- --json       # as GET /v1/capabilities answers
 */
import 'reflect-metadata';
import { EXTENSIONS } from '../extensions';
import { capabilityMap } from '../platform/capabilities';
import { loadPlatformConfig } from '../platform/config/platform-config';
import { buildRegistry } from '../platform/container';
import { createDb } from '../platform/db/knex';
import { envSettings } from '../platform/env';
import { extensionModulesFromEnv, loadExtensionModules } from '../platform/registry/extension-modules';

function main() {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const lines = args.filter((a) => !a.startsWith('--'));
  const config = loadPlatformConfig();
  // Resolution is in memory: the extensions are constructed but never touch the database here.
  const db = createDb(envSettings().DATABASE_URL ?? 'postgres://unused@127.0.0.1:1/unused');
  const registry = buildRegistry(db, config, [...EXTENSIONS, ...loadExtensionModules(extensionModulesFromEnv())]);
  const map = capabilityMap(config, registry).filter((c) => lines.length === 0 || lines.includes(c.bizId));
  void db.destroy();
  if (lines.length > 0 && map.length === 0) {
    console.error(`no configured identity of ${lines.join(', ')}; known lines: ${[...new Set(config.identities.all().map((i) => i.bizId))].join(', ')}`);
    process.exitCode = 1;
    return;
  }
  if (json) {
    console.log(JSON.stringify({ capabilities: map }, null, 2));
    return;
  }
  for (const identity of map) {
    console.log(`\n${identity.bizId} / ${identity.scenario}`);
    for (const uc of identity.useCases) {
      console.log(`  ${uc.useCase}  (flow ${uc.flow ?? 'none'})`);
      for (const step of uc.steps) {
        const undo = step.compensation ? `   undo: ${step.compensation.ability} → ${step.compensation.extension}` : '';
        console.log(`    ${step.ability.padEnd(24)} → ${step.extension.padEnd(24)} ${`${step.extPt} @ ${step.registeredAt}`.padEnd(52)}${undo}`.trimEnd());
      }
    }
  }
}

try {
  main();
} catch (err) {
  // A ConfigError names the file and key at fault.
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
