// Resource and method matching for a REST API stage: `/items/{id}` takes one
// segment, `/{proxy+}` the rest; a method route beats ANY, more literal segments beat
// fewer. HEAD and OPTIONS match only when defined (or via ANY): API Gateway does not
// add them.
import type { RouteModel } from '../model.js';
import { percentDecode } from './wire-url.js';

export interface RouteMatch {
  route: RouteModel;
  /** Values as they appear in the path (API Gateway does not percent-decode paths). */
  pathParameters: Record<string, string> | null;
}

/** Path segments without the empty ones a leading or trailing `/` makes. */
function segments(path: string): string[] {
  const all = path.split('/');
  const start = all[0] === '' ? 1 : 0;
  const end = all.length - 1 >= start && all[all.length - 1] === '' ? all.length - 1 : all.length;
  return start === 0 && end === all.length ? all : all.slice(start, end);
}

/** A template segment: a literal, `{name}` (one segment) or `{name+}` (the rest). */
type TemplateSegment = { kind: 'literal'; text: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

// Templates are parsed once, not on every request.
const parsedTemplates = new Map<string, TemplateSegment[]>();
function parseTemplate(template: string): TemplateSegment[] {
  let tpl = parsedTemplates.get(template);
  if (!tpl) {
    tpl = segments(template).map((t): TemplateSegment => {
      const greedy = /^\{(.+)\+\}$/.exec(t);
      if (greedy) return { kind: 'greedy', name: greedy[1]! };
      const param = /^\{(.+)\}$/.exec(t);
      return param ? { kind: 'param', name: param[1]! } : { kind: 'literal', text: t };
    });
    parsedTemplates.set(template, tpl);
  }
  return tpl;
}

function matchPath(template: string, got: string[]): { params: Record<string, string>; score: number } | undefined {
  const tpl = parseTemplate(template);
  const params: Record<string, string> = {};
  let score = 0;
  for (let i = 0; i < tpl.length; i++) {
    const t = tpl[i]!;
    if (t.kind === 'greedy') {
      if (i !== tpl.length - 1 || got.length <= i) return undefined;
      params[t.name] = got.slice(i).join('/');
      return { params, score };
    }
    const g = got[i];
    if (g === undefined || g === '') return undefined;
    if (t.kind === 'param') {
      params[t.name] = g;
      continue;
    }
    if (g !== t.text && percentDecode(g, false) !== t.text) return undefined;
    score += 1;
  }
  return got.length === tpl.length ? { params, score: score + 1 } : undefined;
}

export function matchRoute(routes: readonly RouteModel[], method: string, path: string): RouteMatch | undefined {
  let best: { route: RouteModel; params: Record<string, string>; rank: number } | undefined;
  const m = method.toUpperCase();
  let got: string[] | undefined;
  for (const route of routes) {
    const rm = route.method.toUpperCase();
    if (rm !== m && rm !== 'ANY') continue;
    const hit = matchPath(route.path, (got ??= segments(path)));
    if (!hit) continue;
    const rank = hit.score * 2 + (rm === m ? 1 : 0);
    if (!best || rank > best.rank) best = { route, params: hit.params, rank };
  }
  if (!best) return undefined;
  let hasParams = false;
  for (const _ in best.params) {
    hasParams = true;
    break;
  }
  return { route: best.route, pathParameters: hasParams ? best.params : null };
}
