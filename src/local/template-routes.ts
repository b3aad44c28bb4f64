// The routes a template declares, without starting anything: for the shell
// completion of `authapi call` and anything else that lists them.
import { defaultTemplatePath } from './default-template.js';
import { routesOf, type TemplateRoute } from './stack-info.js';
import { loadStack } from './template/index.js';

export interface TemplateRoutesOptions {
  /** Default: the package's infra/template.yaml. */
  templatePath?: string;
  parameterOverrides?: Record<string, string>;
}

export async function templateRoutes(opts: TemplateRoutesOptions = {}): Promise<TemplateRoute[]> {
  const built = await loadStack({
    templatePath: opts.templatePath ?? defaultTemplatePath(),
    ...(opts.parameterOverrides ? { parameterOverrides: opts.parameterOverrides } : {}),
  });
  return built.model.apis.flatMap((a) => routesOf(a).map((r) => ({ ...r, api: a.logicalId, stage: a.stageName })));
}
