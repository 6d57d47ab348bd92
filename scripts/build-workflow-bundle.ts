/**
 * Prebuilds the workflow bundle for production workers (`npm run build` runs it after tsc):
 * a worker started on dist/ loads this file instead of webpacking its workflows at every
 * start, as Temporal recommends for production.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_FILE } from '../platform/worker-settings';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../platform/logging/temporal-interceptors';

async function main() {
  const started = Date.now();
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES });
  const out = path.resolve(__dirname, '..', WORKFLOW_BUNDLE_FILE);
  await fs.writeFile(out, code);
  console.log(`workflow bundle: ${path.relative(process.cwd(), out)} (${Math.round(code.length / 1024)} KiB, ${Date.now() - started} ms)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
