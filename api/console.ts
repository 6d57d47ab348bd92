import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import express, { Router } from 'express';
import { AppError, notFound } from '../platform/errors/app-error';
import type { Logger } from '../platform/logger';
import { PACKAGE_ROOT } from '../platform/package-root';

// At the checkout's root whether the server runs from sources or from dist/ (the build does not copy the console).
const CONSOLE_DIR = path.join(PACKAGE_ROOT, 'console');
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

interface Asset {
  type: string;
  body: Uint8Array;
}

/**
 * Bundles the console (Preact + Chart.js, TypeScript/JSX) in memory with esbuild when the
 * server starts: a fresh clone needs no build step and no build output is committed, and
 * the bundle always matches the code the server runs (about a second, once per process).
 */
function bundleConsole(): Promise<Map<string, Asset>> {
  return build({
    entryPoints: { main: path.join(CONSOLE_DIR, 'src', 'main.tsx') },
    bundle: true,
    write: false,
    outdir: '/assets',
    format: 'esm',
    target: 'es2020',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: path.join(CONSOLE_DIR, 'tsconfig.json'),
    logLevel: 'silent',
  }).then((result) => {
    const assets = new Map<string, Asset>();
    for (const file of result.outputFiles) {
      const name = path.basename(file.path);
      assets.set(name, { type: name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8', body: file.contents });
    }
    return assets;
  });
}

/** Swagger UI from the swagger-ui-dist package, pointed at this server's OpenAPI document (no CDN). */
const SWAGGER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Order platform API reference</title>
<link rel="stylesheet" href="/console/api-docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/console/api-docs/swagger-ui-bundle.js"></script>
<script src="/console/api-docs/reference.js"></script></body></html>`;
const SWAGGER_INIT = `window.ui = SwaggerUIBundle({ url: '/v1/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });`;

/** The operators' console under /console and the API reference under /console/api-docs/. */
export function consoleRoutes(log: Logger): Router {
  const r = Router();
  const assets = bundleConsole();
  assets.catch((err) => log.error({ err: err?.message }, 'the console could not be bundled'));
  const indexHtml = readFileSync(path.join(CONSOLE_DIR, 'index.html'));

  // Non-strict routing: this also answers /console (the page's URLs are absolute).
  r.get('/console/', (_req, res) => {
    res.type('html').set('cache-control', 'no-cache').send(indexHtml);
  });
  r.get('/console/assets/:name', async (req, res) => {
    const bundled = await assets.catch(() => {
      throw new AppError(500, 'INTERNAL', 'the console could not be bundled; see the server log');
    });
    const asset = bundled.get(req.params.name);
    if (!asset) throw notFound(`console asset ${req.params.name}`);
    res.type(asset.type).set('cache-control', 'no-cache').send(Buffer.from(asset.body));
  });
  r.get('/console/api-docs/', (_req, res) => res.type('html').send(SWAGGER_PAGE));
  r.get('/console/api-docs/reference.js', (_req, res) => res.type('text/javascript').send(SWAGGER_INIT));
  r.use('/console/api-docs', express.static(SWAGGER_UI_DIR, { index: false }));
  // Nothing else under /console exists; without this, a miss would ask for an API key.
  r.use('/console', (req) => {
    throw notFound(`console page ${req.path}`);
  });
  return r;
}
