// The shape of the house: imports run one way (commands → http → auth → store), and no
// module imports itself back through others. Type-only imports are erased at build
// time and do not count. A loop or a backwards import fails here, naming the files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative runtime imports of a source file (static, re-exports and import()), as repo paths. */
export function runtimeImports(file: string, text: string): string[] {
  const specs: string[] = [];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*'([^']+)'/gm)) {
    if (m[2]) continue; // import type / export type
    // `import { type A, type B }` is erased too.
    const names = m[3]!.replace(/^\{|\}$/g, '').split(',').map((s) => s.trim()).filter(Boolean);
    if (m[3]!.startsWith('{') && names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
    specs.push(m[4]!);
  }
  for (const m of code.matchAll(/^\s*import\s+'([^']+)'/gm)) specs.push(m[1]!);
  for (const m of code.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) specs.push(m[1]!);
  return specs
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(ROOT, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
}

const graph = new Map<string, string[]>();
for (const f of files(SRC)) graph.set(relative(ROOT, f), runtimeImports(f, readFileSync(f, 'utf8')));

/** Strongly connected components with more than one module (or a module importing itself). */
function loops(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const LAYERS: [string, number][] = [['src/commands/', 3], ['src/http/', 2], ['src/auth/store/', 0], ['src/auth/', 1]];
const layerOf = (f: string) => LAYERS.find(([prefix]) => f.startsWith(prefix));

/** Every module `f` loads, directly or through others. */
function closure(f: string, seen = new Set<string>()): Set<string> {
  for (const d of graph.get(f) ?? []) {
    if (seen.has(d)) continue;
    seen.add(d);
    closure(d, seen);
  }
  return seen;
}

/**
 * The transport of src/http (the HTTP/1.1 client, proxies, CAs, retries, SigV4 itself)
 * sits below the session layer: auth may use a module of src/http whose whole closure
 * stays out of auth and commands. What calls the API *with* a session (signer,
 * credential-source, …) is above it.
 */
const isTransport = (f: string) => f.startsWith('src/http/') && [...closure(f)].every((d) => !d.startsWith('src/auth/') && !d.startsWith('src/commands/'));

describe('imports', () => {
  it('finds the modules and their imports (the parser is not blind)', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('src/http/credential-source.ts')).toContain('src/auth/get-credentials.ts');
    expect(runtimeImports(join(SRC, 'x.ts'), "import type { A } from './a.js';\nimport { type B } from './b.js';\nimport { c } from './c.js';\nawait import('./d.js');"))
      .toEqual(['src/c.ts', 'src/d.ts']);
  });

  it('no import loop anywhere in src/', () => {
    expect(loops(graph)).toEqual([]);
    // The check itself: a loop is found.
    expect(loops(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });

  it('imports run one way: commands → http → auth → store', () => {
    const backwards: string[] = [];
    for (const [from, deps] of graph) {
      const a = layerOf(from);
      if (!a) continue;
      for (const to of deps) {
        const b = layerOf(to);
        if (!b || b[1] <= a[1]) continue;
        if (isTransport(to)) continue;
        backwards.push(`${from} → ${to}`);
      }
    }
    expect(backwards).toEqual([]);
  });

  it('the transport that auth uses reaches nothing above it; the session-aware http modules are not transport', () => {
    for (const t of ['src/http/client.ts', 'src/http/sign.ts', 'src/http/network.ts']) expect(isTransport(t), t).toBe(true);
    for (const t of ['src/http/credential-source.ts', 'src/http/signer.ts']) expect(isTransport(t), t).toBe(false);
  });

  it('the emulator (src/local) loads no CLI code', () => {
    const cli = [...graph].flatMap(([from, deps]) => from.startsWith('src/local/')
      ? deps.filter((d) => d.startsWith('src/commands/') || d === 'src/cli.ts').map((d) => `${from} → ${d}`) : []);
    expect(cli).toEqual([]);
  });
});
