// Where the packaged infra/template.yaml is: beside package.json, two levels above
// this file in the sources (src/local/) and one above the built bundle (dist/).
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Directories to search upwards from. The CommonJS bundle and vitest both define
 * __dirname; `import.meta` is avoided because the CJS build would leave it empty.
 */
function startDirs(): string[] {
  const dirs: string[] = [];
  if (typeof __dirname === 'string') dirs.push(__dirname);
  const script = process.argv[1];
  if (script) {
    try {
      dirs.push(dirname(realpathSync(script)));
    } catch {
      // not a file (e.g. `node -e`): skip it
    }
  }
  dirs.push(process.cwd());
  return dirs;
}

function findUp(start: string): string | undefined {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'infra', 'template.yaml');
    if (existsSync(candidate) && existsSync(join(dir, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function defaultTemplatePath(starts: string[] = startDirs()): string {
  for (const start of starts) {
    const found = findUp(start);
    if (found) return found;
  }
  return join(starts[0] ?? '.', 'infra', 'template.yaml');
}
