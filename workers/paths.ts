/**
 * Where a worker's compiled entry point is. Worker threads load JavaScript: from `dist/`
 * the file sits beside its pool; when the pool itself runs from TypeScript source (tests),
 * the compiled copy in `dist/workers/` is used (`npm test` builds first).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function workerFile(name: string): string {
  const here = fileURLToPath(import.meta.url);
  const dir = here.endsWith('.ts') ? join(dirname(here), '..', 'dist', 'workers') : dirname(here);
  const file = join(dir, `${name}.js`);
  if (!existsSync(file)) throw new Error(`worker ${file} is missing: run \`npm run build\``);
  return file;
}
