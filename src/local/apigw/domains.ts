// One listener standing for the hostnames an API is reached by other than its own:
// custom domains with base path mappings (`api.example.test/v1/…` → stage prod of Api)
// and a private API's VPC endpoint name, where the `x-apigw-api-id` header says which
// API is meant and the path starts with the stage as usual. Requests are told apart by
// their Host, as API Gateway's edge does; the signature always covers the Host and
// path as sent.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-test-invoke-url.html
import type { LocalRequest, LocalResponse } from '../model.js';
import { gatewayAnswers, newRequestIds } from './gateway-responses.js';
import type { ApiGatewayService } from './service.js';
import { splitTarget } from './wire-url.js';

export interface CustomDomain {
  /** Host name without the port, e.g. `api.example.test` (compared case-insensitively). */
  host: string;
  /** The base path (`v1`), or '' / undefined for the domain's root. */
  basePath?: string;
  /** Logical id of the API. */
  api: string;
  /** Default: the API's stage. */
  stage?: string;
}

interface Mapping {
  host: string;
  basePath: string;
  gateway: ApiGatewayService;
  stage: string;
}

export class DomainRouter {
  private readonly mappings: Mapping[];

  constructor(domains: readonly CustomDomain[], private readonly gateways: readonly ApiGatewayService[]) {
    this.mappings = domains.map((d) => {
      const gateway = gateways.find((g) => g.logicalId === d.api);
      if (!gateway) throw new Error(`custom domain ${d.host}: no API ${d.api} in the template (it has ${gateways.map((g) => g.logicalId).join(', ')})`);
      const stage = d.stage ?? gateway.stageName;
      if (stage !== gateway.stageName) throw new Error(`custom domain ${d.host}: API ${d.api} has no stage ${stage} (it has ${gateway.stageName})`);
      return { host: d.host.toLowerCase(), basePath: (d.basePath ?? '').replace(/^\/+|\/+$/g, ''), gateway, stage };
    });
    // The longest base path wins (`v1/admin` before `v1`), then the root mapping.
    this.mappings.sort((a, b) => b.basePath.length - a.basePath.length);
  }

  handle(req: LocalRequest): Promise<LocalResponse> {
    const host = hostName(req.headers.host ?? '');
    const target = splitTarget(req.url);
    const onHost = this.mappings.filter((m) => m.host === host);
    if (onHost.length > 0) {
      for (const m of onHost) {
        const rest = m.basePath === '' ? target.path : stripBasePath(target.path, m.basePath);
        if (rest === undefined) continue;
        const url = `/${m.stage}${rest === '/' && m.basePath !== '' ? '' : rest}${target.hasQuery ? `?${target.rawQuery}` : ''}`;
        return m.gateway.handle(req, { url, sentPath: target.path });
      }
      // A path no mapping of the domain covers. Not confirmed by a captured sample.
      return Promise.resolve(gatewayAnswers.forbidden(newRequestIds()));
    }
    // A VPC endpoint's name: the header picks the API; the path names the stage.
    const apiId = req.headers['x-apigw-api-id'];
    const gateway = apiId === undefined ? undefined : this.gateways.find((g) => g.apiId === apiId.trim());
    if (gateway) return gateway.handle(req);
    // No API for this host (or the id names none). Not confirmed by a captured sample.
    return Promise.resolve(gatewayAnswers.forbidden(newRequestIds()));
  }
}

/** `Host: Api.Example.test:8080` → `api.example.test` (IPv6 literals keep their brackets). */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  const end = h.startsWith('[') ? h.indexOf(']') + 1 : h.lastIndexOf(':') < 0 ? h.length : h.lastIndexOf(':');
  return h.slice(0, end);
}

/** `/v1/items` under base path `v1` → `/items`; `/v1` → `/`; `/v10/x` → undefined. */
function stripBasePath(path: string, basePath: string): string | undefined {
  const prefix = `/${basePath}`;
  if (path === prefix) return '/';
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : undefined;
}
