// Builds the CLI as small CommonJS bundles: start-up cost dominates a CLI that
// sits in shell loops, and one CJS file loads faster than a tree of ESM modules
// (docs/protocols.md, "Start-up: what was measured"). Dependencies stay external and are loaded lazily where
// used; the emulator is a bundle of its own that the CLI only loads for `authapi local`.
import { build } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await (await import('node:fs/promises')).readFile(join(root, 'package.json'), 'utf8'));

// `import('./local/index.js')` in the CLI resolves at run time to dist/local.cjs.
const localAsSeparateBundle = {
  name: 'local-bundle',
  setup(b) {
    b.onResolve({ filter: /(^|\/)local\/index\.js$/ }, (args) =>
      args.importer.includes('/src/local/') ? undefined : { path: './local.cjs', external: true });
  },
};

// Heavy or native packages stay external and are imported lazily where used;
// small ones on the hot path (commander, aws4) are bundled to save module resolution.
const LAZY_EXTERNALS = ['@aws-sdk/*', '@smithy/*', '@inquirer/*', '@napi-rs/*', 'undici', 'jose', 'yaml', 'amazon-cognito-identity-js'];

// commander requires node:child_process at load time (~7 ms) for executable
// subcommands, which authapi never uses: give it a proxy that loads it on first use.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('/node_modules/commander/') ? { path: join(root, 'scripts', 'shims', 'lazy-child-process.cjs') } : undefined);
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
  define: { __AUTHAPI_VERSION__: JSON.stringify(pkg.version) },
};

await mkdir(join(root, 'dist'), { recursive: true });
await Promise.all([
  // No import() in the CLI bundle: V8 loses the dynamic-import callback of functions
  // restored from a code cache (src/launch.ts), so lazy loads are require() calls
  // (ESM-only packages such as jose load through Node's require(esm)).
  build({ ...common, supported: { 'dynamic-import': false }, external: LAZY_EXTERNALS, entryPoints: [join(root, 'src/cli.ts')], outfile: join(root, 'dist/cli.cjs'), plugins: [localAsSeparateBundle, lazyChildProcess] }),
  // `call` alone, without commander or the other commands (src/call-main.ts).
  build({ ...common, supported: { 'dynamic-import': false }, external: LAZY_EXTERNALS, entryPoints: [join(root, 'src/call-main.ts')], outfile: join(root, 'dist/call.cjs'), plugins: [localAsSeparateBundle] }),
  build({ ...common, entryPoints: [join(root, 'src/launch.ts')], outfile: join(root, 'dist/launch.cjs') }),
  existsSync(join(root, 'src/local/index.ts'))
    ? build({ ...common, packages: 'external', entryPoints: [join(root, 'src/local/index.ts')], outfile: join(root, 'dist/local.cjs') })
    : undefined,
  build({ ...common, entryPoints: [join(root, 'src/auth/agent/main.ts')], outfile: join(root, 'dist/agent.cjs') }),
]);
// The launcher reads dist/cli.cjs as latin1 (faster than UTF-8): esbuild escapes
// non-ASCII in code, but keeps it in comments; escape those too.
{
  const { readFileSync } = await import('node:fs');
  for (const bundle of ['dist/cli.cjs', 'dist/call.cjs']) {
    const file = join(root, bundle);
    const text = readFileSync(file, 'utf8');
    if (/[^\x00-\x7f]/.test(text)) await writeFile(file, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  }
}
// dist/ is CommonJS inside an ESM package.
await writeFile(join(root, 'dist/package.json'), '{ "type": "commonjs" }\n');

// Type declarations for the `authapi/local` export (dist/types), from the emulator's
// sources. tsc takes seconds, so only when a source is newer than the declarations.
{
  const { readdirSync, statSync } = await import('node:fs');
  const { spawnSync } = await import('node:child_process');
  const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);
  const marker = join(root, 'dist/types/local/index.d.ts');
  const sources = Math.max(newest(join(root, 'src/local')), newest(join(root, 'src/shared')), statSync(join(root, 'tsconfig.types.json')).mtimeMs);
  if (!existsSync(marker) || statSync(marker).mtimeMs < sources) {
    const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.types.json')], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
