// Builds the CLI as small CommonJS bundles: start-up cost dominates a CLI that
// sits in shell loops, and one CJS file loads faster than a tree of ESM modules
// (DESIGN.md, "Measured"). Dependencies stay external and are loaded lazily where
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
  build({ ...common, external: LAZY_EXTERNALS, entryPoints: [join(root, 'src/cli.ts')], outfile: join(root, 'dist/cli.cjs'), plugins: [localAsSeparateBundle] }),
  existsSync(join(root, 'src/local/index.ts'))
    ? build({ ...common, packages: 'external', entryPoints: [join(root, 'src/local/index.ts')], outfile: join(root, 'dist/local.cjs') })
    : undefined,
]);
// dist/ is CommonJS inside an ESM package.
await writeFile(join(root, 'dist/package.json'), '{ "type": "commonjs" }\n');
