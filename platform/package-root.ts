import fs from 'node:fs';
import path from 'node:path';

/**
 * The checkout's root (the folder with package.json), whether this code runs from its
 * TypeScript sources or compiled into dist/: config/, data/ and .tools/ live there.
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

export const PACKAGE_ROOT = findPackageRoot(__dirname);
