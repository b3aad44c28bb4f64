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

function segments(path: string): string[] {
  return path.split('/').filter((s, i, all) => !(s === '' && (i === 0 || i === all.length - 1)));
}

function matchPath(template: string, path: string): { params: Record<string, string>; score: number } | undefined {
  const tpl = segments(template);
  const got = segments(path);
  const params: Record<string, string> = {};
  let score = 0;
  for (let i = 0; i < tpl.length; i++) {
    const t = tpl[i]!;
    const greedy = /^\{(.+)\+\}$/.exec(t);
    if (greedy) {
      if (i !== tpl.length - 1 || got.length <= i) return undefined;
      params[greedy[1]!] = got.slice(i).join('/');
      return { params, score };
    }
    const g = got[i];
    if (g === undefined || g === '') return undefined;
    const param = /^\{(.+)\}$/.exec(t);
    if (param) {
      params[param[1]!] = g;
      continue;
    }
    if (g !== t && percentDecode(g, false) !== t) return undefined;
    score += 1;
  }
  return got.length === tpl.length ? { params, score: score + 1 } : undefined;
}

export function matchRoute(routes: readonly RouteModel[], method: string, path: string): RouteMatch | undefined {
  let best: { route: RouteModel; params: Record<string, string>; rank: number } | undefined;
  const m = method.toUpperCase();
  for (const route of routes) {
    const rm = route.method.toUpperCase();
    if (rm !== m && rm !== 'ANY') continue;
    const hit = matchPath(route.path, path);
    if (!hit) continue;
    const rank = hit.score * 2 + (rm === m ? 1 : 0);
    if (!best || rank > best.rank) best = { route, params: hit.params, rank };
  }
  if (!best) return undefined;
  return { route: best.route, pathParameters: Object.keys(best.params).length > 0 ? best.params : null };
}
