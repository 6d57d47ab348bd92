/**
 * Bundles the compiled worker (dist/worker.js and every module it loads) into one file,
 * dist/worker.bundle.js, that `dist/worker-launch.js` runs with V8's code cache
 * (platform/code-cache.ts). A worker then reads one file instead of resolving and
 * compiling ~1,600 CommonJS modules, which is most of its start-up (BENCHMARKS.md).
 *
 * It bundles the compiled JavaScript, not the TypeScript: tsc has already emitted the
 * decorator metadata inversify reads, which esbuild does not emit.
 */
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

export const WORKER_BUNDLE_FILE = 'worker.bundle.js';

/**
 * Left to be loaded from node_modules at run time:
 * - packages that read files beside their own code: the native Temporal core, source-map
 *   (its mappings.wasm maps workflow stack traces);
 * - what only `bundleWorkflowCode` reaches (webpack and its loaders): a production worker
 *   loads the prebuilt workflow bundle and never runs them;
 * - knex's drivers for other databases, which are not installed.
 */
const EXTERNAL = [
  '@temporalio/core-bridge',
  'source-map',
  'webpack',
  'swc-loader',
  'source-map-loader',
  'better-sqlite3',
  'sqlite3',
  'mysql',
  'mysql2',
  'mariadb',
  'mariadb/*',
  'oracledb',
  'tedious',
  'pg-native',
  'pg-query-stream',
];

/**
 * `require.resolve('./x')` inside a package names a file beside that package's code (the
 * Temporal SDK starts its workflow threads from such files). Bundled, the relative path
 * would resolve from dist/; rewritten to the package's own specifier it still finds the
 * file in node_modules.
 */
const packageRelativeResolves: Plugin = {
  name: 'package-relative-require-resolve',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.js$/ }, async (args) => {
      const fs = await import('node:fs/promises');
      const source = await fs.readFile(args.path, 'utf8');
      if (!source.includes('require.resolve(')) return undefined;
      const modulesDir = args.path.slice(0, args.path.lastIndexOf(`${path.sep}node_modules${path.sep}`) + '/node_modules/'.length);
      const contents = source.replace(/require\.resolve\((['"])(\.\.?\/[^'"]+)\1\)/g, (_, quote: string, relative: string) => {
        const specifier = path.relative(modulesDir, path.join(path.dirname(args.path), relative)).split(path.sep).join('/');
        return `require.resolve(${quote}${specifier}${quote})`;
      });
      return { contents, loader: 'js' };
    });
  },
};

async function main() {
  const started = Date.now();
  const dist = path.resolve(__dirname, '..');
  const outfile = path.join(dist, WORKER_BUNDLE_FILE);
  await build({
    entryPoints: [path.join(dist, 'worker.js')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    external: EXTERNAL,
    plugins: [packageRelativeResolves],
    // The SDK's development-only path (bundling workflows from sources) resolves files
    // esbuild cannot see; a production worker never takes it.
    logOverride: { 'require-resolve-not-external': 'silent' },
    logLevel: 'warning',
  });
  console.log(`worker bundle: ${path.relative(process.cwd(), outfile)} (${Date.now() - started} ms)`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
