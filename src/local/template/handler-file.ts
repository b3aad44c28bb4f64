// Where a function's handler lives: `<templateDir>/<CodeUri>/<file>.mjs|.js|.cjs`
// and the export named after the last dot of Handler. Only Node.js runs in-process.
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Fail, Props } from './values.js';

export function resolveHandler(p: Props, where: string, templateDir: string, fail: Fail): { file: string; exportName: string } {
  const runtime = p.Runtime === undefined ? undefined : String(p.Runtime);
  if (runtime !== undefined && !runtime.startsWith('nodejs')) {
    return fail(`${where}.Runtime`, `${runtime} is not supported: the emulator runs Node.js handlers in-process`);
  }
  if (p.InlineCode !== undefined) return fail(`${where}.InlineCode`, 'inline code is not supported; use CodeUri');
  if (typeof p.Handler !== 'string') return fail(`${where}.Handler`, 'is required (e.g. index.handler)');
  if (p.CodeUri !== undefined && typeof p.CodeUri !== 'string') return fail(`${where}.CodeUri`, 'must be a local directory (S3 locations cannot be run locally)');
  const dot = p.Handler.lastIndexOf('.');
  if (dot <= 0 || dot === p.Handler.length - 1) return fail(`${where}.Handler`, `${p.Handler} must look like <file>.<export>`);
  const base = resolvePath(templateDir, (p.CodeUri as string | undefined) ?? '.', p.Handler.slice(0, dot));
  const candidates = ['.mjs', '.js', '.cjs'].map((ext) => base + ext);
  const found = candidates.find((c) => existsSync(c));
  if (!found) return fail(`${where}.Handler`, `${p.Handler}: no handler file (looked for ${candidates.join(', ')})`);
  return { file: found, exportName: p.Handler.slice(dot + 1) };
}

