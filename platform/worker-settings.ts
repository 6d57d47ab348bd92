import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, type WorkerOptions } from '@temporalio/worker';
import type { EnvSettings } from './env';
import { workflowInterceptorModules } from './logging/temporal-interceptors';

/** The prebuilt workflow bundle, beside the compiled worker in dist/ (scripts/build-workflow-bundle.ts). */
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

/**
 * Where a worker gets its workflow code: a prebuilt bundle named by WORKFLOW_BUNDLE, else
 * the one beside the compiled worker in dist/ (no webpack at start: ready in about a
 * second), else the TypeScript sources, bundled at start (the development path).
 */
export function workflowCode(workerDir: string, bundleFile?: string): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (bundleFile) {
    if (!fs.existsSync(bundleFile)) throw new Error(`WORKFLOW_BUNDLE=${bundleFile}: no such file (scripts/build-workflow-bundle.ts makes one)`);
    return { workflowBundle: { codePath: path.resolve(bundleFile) } };
  }
  const codePath = path.join(workerDir, WORKFLOW_BUNDLE_FILE);
  if (fs.existsSync(codePath)) return { workflowBundle: { codePath } };
  return { workflowsPath: require.resolve('../workflows') };
}

/** The workflow code of this checkout, bundled as a worker on its sources would bundle it at start (with the log-context interceptors). */
export async function bundleWorkflows(logLevel: 'INFO' | 'WARN' = 'INFO'): Promise<string> {
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), workflowInterceptorModules: workflowInterceptorModules(), logger: new DefaultLogger(logLevel) });
  return bundle.code;
}

/**
 * How a worker drains and how fast Temporal moves work off a dead one.
 * - shutdownGraceTime: on SIGTERM the worker stops polling, lets in-flight activities
 *   finish for this long, then cancels them (their retries run elsewhere, fenced).
 * - stickyQueueScheduleToStartTimeout: an order's workflow tasks go first to the queue of
 *   the worker that holds its state; if that worker is gone (SIGKILL) the task waits this
 *   long before Temporal hands it to any worker (default: the SDK's 10 s). Shorter bounds
 *   the stall after a crash, but a busy worker that is merely slow then loses its tasks,
 *   and updates meet a failed workflow task (docs/operations.md).
 */
export function drainSettings(env: Pick<EnvSettings, 'WORKER_SHUTDOWN_GRACE_MS' | 'STICKY_SCHEDULE_TO_START_MS'>): Pick<WorkerOptions, 'shutdownGraceTime' | 'stickyQueueScheduleToStartTimeout'> {
  return { shutdownGraceTime: env.WORKER_SHUTDOWN_GRACE_MS, stickyQueueScheduleToStartTimeout: env.STICKY_SCHEDULE_TO_START_MS };
}
