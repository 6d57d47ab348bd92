/**
 * The production build (`npm run build`: dist/, the workflow bundle, the worker bundle),
 * made fresh for a test that runs the production processes: built again only when a
 * source file is newer than the worker bundle, so a stale dist/ is never tested.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const SOURCE_DIRS = ['abilities', 'activities', 'api', 'config', 'extension-points', 'extensions', 'platform', 'scripts', 'workflows'];

function newestSource(root: string): number {
  let newest = 0;
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const d of SOURCE_DIRS) if (fs.existsSync(path.join(root, d))) visit(path.join(root, d));
  for (const f of fs.readdirSync(root)) if (f.endsWith('.ts') || f === 'package.json' || f.startsWith('tsconfig')) newest = Math.max(newest, fs.statSync(path.join(root, f)).mtimeMs);
  return newest;
}

export function ensureBuilt(root: string): void {
  const bundle = path.join(root, 'dist', 'worker.bundle.js');
  if (fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= newestSource(root)) return;
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
