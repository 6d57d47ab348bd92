/**
 * Production entry of a worker (`npm run worker:prod`): runs the single-file worker bundle
 * (scripts/build-worker-bundle.ts) with V8's code cache, so a replacement worker polls
 * within about a second of its spawn. Without the bundle it runs dist/worker.js as is.
 *
 * WORKER_CODE_CACHE=off loads the bundle with plain `require()`: slower to start, but
 * `--enable-source-maps` then maps stack traces to the TypeScript lines (Node maps only
 * what `require()` compiles).
 */
import fs from 'node:fs';
import path from 'node:path';
import { runWithCodeCache } from './platform/code-cache';

const bundle = path.join(__dirname, 'worker.bundle.js');
if (!fs.existsSync(bundle)) require('./worker');
else if (process.env.WORKER_CODE_CACHE === 'off') require(bundle);
else runWithCodeCache(bundle);
