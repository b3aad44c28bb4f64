// The routes and their auth of the package's template (infra/template.yaml), for a
// profile of a deployed stack: the outputs give each API's URL, the template what each
// route wants. Read with the emulator's own template reader, so what `authapi local`
// writes and what `configure` writes agree. Loaded only by `configure`.
import { apiConfigOf, type ApiDescription } from './apis.js';
import type { ApiConfig, ApiType } from './profile.js';

/** The template's APIs as the emulator describes them (no URLs). */
export async function templateApis(templatePath?: string): Promise<ApiDescription[]> {
  const local = await import('../local/index.js');
  const { describeResources } = await import('../local/stack-info.js');
  const built = await local.loadStack({ templatePath: templatePath ?? local.defaultTemplatePath() });
  // Every kind: REST APIs, HTTP APIs and function URLs (their URLs come from the outputs).
  return describeResources(built.model, () => '', { httpApi: () => '', functionUrl: () => '' }).apis.map((a) => ({ ...a, url: undefined }));
}

/**
 * Each entry with the routes and default auth of the template's first API of its
 * kind (the template has one of each); entries of a kind the template lacks, and
 * routes the user added by hand, stay as they are.
 */
export function withTemplateRoutes(apis: Record<string, ApiConfig>, template: readonly ApiDescription[]): Record<string, ApiConfig> {
  const out: Record<string, ApiConfig> = {};
  for (const [name, a] of Object.entries(apis)) {
    const d = template.find((t) => (t.kind ?? 'rest') === (a.type as ApiType));
    if (!d) {
      out[name] = a;
      continue;
    }
    const fromTemplate = apiConfigOf(d, a.url === undefined);
    out[name] = {
      ...a,
      auth: fromTemplate.auth,
      ...(fromTemplate.routes || a.routes ? { routes: { ...fromTemplate.routes, ...a.routes } } : {}),
    };
  }
  return out;
}
