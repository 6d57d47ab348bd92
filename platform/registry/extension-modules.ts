import path from 'node:path';
import { registrationsOf } from './extension-decorator';

type ExtensionClass = new (...args: any[]) => unknown;

/**
 * Extension classes from outside the code base, named by EXTENSION_MODULES (file paths
 * separated by the platform's path delimiter, ':' on Linux): how a business line is
 * onboarded with its own extension classes and no change to the platform. Every
 * exported class carrying @Extension is loaded; a module exporting none is an error,
 * as is one that cannot be loaded — both stop start-up.
 */
export function extensionModulesFromEnv(value = process.env.EXTENSION_MODULES): string[] {
  return (value ?? '').split(path.delimiter).map((p) => p.trim()).filter(Boolean);
}

export function loadExtensionModules(files: readonly string[]): ExtensionClass[] {
  return files.flatMap((file) => {
    const resolved = path.resolve(file);
    let exports: Record<string, unknown>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      exports = require(resolved);
    } catch (err) {
      throw new Error(`EXTENSION_MODULES: cannot load ${resolved}: ${(err as Error).message}`);
    }
    const classes = Object.values(exports).filter((v): v is ExtensionClass => typeof v === 'function' && registrationsOf(v).length > 0);
    if (classes.length === 0) throw new Error(`EXTENSION_MODULES: ${resolved} exports no class with an @Extension decorator`);
    return classes;
  });
}
