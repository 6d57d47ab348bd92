import fs from 'node:fs';
import path from 'node:path';
import { envSettings } from '../env';
import { PACKAGE_ROOT } from '../package-root';
import YAML from 'yaml';
import type { z } from 'zod';

/**
 * Raised when configuration is wrong. The message names the file and the key at
 * fault, Vendure-style, so an engineer onboarding a business line knows where to look.
 */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly key: string, problem: string) {
    super(`${file}: ${key || '(root)'}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export function configDir(): string {
  return envSettings().CONFIG_DIR ?? path.join(PACKAGE_ROOT, 'config');
}

/** Display path relative to the working directory, as an engineer would type it. */
export function displayPath(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

export function readYaml(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(displayPath(file), '', `cannot read: ${(err as Error).message}`);
  }
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) throw new ConfigError(displayPath(file), '', `invalid YAML: ${doc.errors[0].message}`);
  return doc.toJS();
}

/** Validates `data` against `schema`; the first problem becomes a ConfigError naming file and key. */
export function parseConfig<T>(schema: z.ZodType<T>, data: unknown, file: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ConfigError(displayPath(file), issue.path.map(String).join('.'), issue.message);
}

/** Deep merge for overlays: objects merge key by key, anything else replaces. */
export function deepMerge(base: unknown, overlay: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(overlay)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(overlay)) out[k] = k in out ? deepMerge(out[k], v) : v;
    return out;
  }
  return overlay === undefined ? base : overlay;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
