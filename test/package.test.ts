// What `npm pack` would publish and what installing it needs: the tarball holds the
// built CLI and everything the README links (docs/, LICENSE); installing it runs no
// lifecycle script (the build happens before packing, in `prepack`); the runtime
// dependencies are exactly the packages src/ loads, test-only ones are devDependencies.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  bin: Record<string, string>;
};

function packedFiles(): string[] {
  // --ignore-scripts: `npm test` has just built dist/; prepack would build it again.
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [entry] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
  return entry!.files.map((f) => f.path).sort();
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

describe('npm pack', () => {
  const files = packedFiles();

  it('holds the launcher, every bundle, the docs, the template and the licence — and no sources or tests', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'bin/authapi.js', 'dist/launch.cjs', 'dist/cli.cjs', 'dist/call.cjs',
      'dist/local.cjs', 'dist/agent.cjs', 'dist/package.json', 'docs/login.md', 'infra/template.yaml']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|bench|scripts|node_modules|\.ci)\//.test(f))).toEqual([]);
    expect(files).toContain(Object.values(pkg.bin)[0]!.replace(/^\.\//, ''));
  });

  it('holds every file the README links to', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(files, `README links ${link}`).toContain(link.replace(/^\.\//, ''));
  });

  it('runs no install lifecycle script: the build is prepack, not prepare/install', () => {
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts[s], s).toBeUndefined();
    expect(pkg.scripts.prepack).toMatch(/build/);
  });
});

describe('dependencies', () => {
  // Every package src/ loads at run time (static or lazy), type-only imports aside.
  const used = new Set<string>();
  for (const file of walk(join(ROOT, 'src')).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(file, 'utf8');
    const specs = [
      ...[...text.matchAll(/^import\s+(?!type\b)[^'";]*?from\s+'([^']+)'/gm)].map((m) => m[1]!),
      ...[...text.matchAll(/^import\s+'([^']+)'/gm)].map((m) => m[1]!),
      ...[...text.matchAll(/(?:import|require|loadModule<[^>]*>)\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!),
    ];
    for (const spec of specs) {
      if (spec.startsWith('.') || spec.startsWith('node:')) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      used.add(name);
    }
  }

  it('every package src/ loads is a runtime dependency', () => {
    for (const name of used) expect(Object.keys(pkg.dependencies), `${name} is loaded by src/`).toContain(name);
  });

  it('every runtime dependency is loaded by src/ (test- and bench-only packages are devDependencies)', () => {
    for (const name of Object.keys(pkg.dependencies)) expect([...used], `${name} is in dependencies`).toContain(name);
    expect(pkg.devDependencies).toHaveProperty('amazon-cognito-identity-js');
    expect(pkg.devDependencies).toHaveProperty(['@smithy/protocol-http']);
  });
});
