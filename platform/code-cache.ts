/**
 * Runs one CommonJS file with V8's code cache: the compiled code is kept in
 * `<file>.<size>-<mtime>.cache` beside it, so a process started again skips compiling
 * what it ran last time. Node 20 has no compile cache of its own
 * (`module.enableCompileCache` came with Node 22), and v8-compile-cache replaces
 * `require()` for every module, which breaks Node 20's `require()` of ES modules; with the whole worker in one bundle, one `vm.Script` with
 * `cachedData` is all it takes.
 *
 * This module loads nothing but Node's own modules: it runs before the bundle.
 */
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/**
 * An event on `process`, the one object the launcher shares with the bundle (which has
 * its own copy of this module).
 */
const STARTED_EVENT = 'code-cache:started';
const processEvents: EventEmitter = process;

/** Called by the bundled program once its start-up code has run (the worker: when it polls). */
export function announceStarted(): void {
  processEvents.emit(STARTED_EVENT);
}

export interface CodeCacheRun {
  /** Whether a cache was found and V8 accepted it (false: compiled from source). */
  cacheUsed: boolean;
}

export function runWithCodeCache(file: string): CodeCacheRun {
  // V8 checks a cache against the source's length only: a rebuilt file of the same length
  // would run stale code. Its size and modification time name the cache instead (as
  // Python's .pyc files do), so a new build never meets an old cache.
  const stat = fs.statSync(file);
  const cacheFile = `${file}.${stat.size}-${Math.trunc(stat.mtimeMs)}.cache`;
  const source = fs.readFileSync(file, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined; // first start after a build
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  if (!cacheUsed) {
    // Written once the start-up code has run: V8 compiles functions lazily, and the cache
    // holds only those compiled by then. Rejected (another Node or V8 flags): replaced.
    processEvents.once(STARTED_EVENT, () => {
      removeOtherCaches(file, cacheFile);
      writeAtomically(cacheFile, script.createCachedData());
    });
  }
  const mod = new Module(file, undefined);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  require.main = mod;
  const moduleRequire = Module.createRequire(file);
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  run.call(mod.exports, mod.exports, moduleRequire, mod, file, path.dirname(file));
  mod.loaded = true;
  return { cacheUsed };
}

/** Caches of earlier builds of `file`. */
function removeOtherCaches(file: string, keep: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(prefix) && name.endsWith('.cache') && path.join(dir, name) !== keep) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** Several workers may start at once from one dist/: each writes its own file and renames it into place. */
function writeAtomically(file: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
  } catch (err) {
    // A read-only dist/ (an image built without the cache) only costs the cache.
    fs.rmSync(temporary, { force: true });
    console.warn(`code cache not written to ${file}: ${(err as Error).message}`);
  }
}
