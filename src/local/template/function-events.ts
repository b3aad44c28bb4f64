// The events of one Type (Api, HttpApi) on every AWS::Serverless::Function, each with
// its resolved Properties and the function's handler: what the REST and the HTTP API
// builders both start from when they turn function events into routes.
import { dirname, resolve as resolvePath } from 'node:path';
import type { Builder } from './build-model.js';
import { resolveHandler } from './handler-file.js';
import type { RawResource } from './resources.js';
import { isObject, type Props } from './values.js';

export interface FunctionEvent {
  /** The function's logical id. */
  logicalId: string;
  /** Where the event's Properties are, for messages: `Resources.<fn>.Properties.Events.<name>.Properties`. */
  where: string;
  /** The event's Properties, intrinsics resolved. */
  props: Props;
  handler: { file: string; exportName: string };
}

export function isServerlessFunction(r: RawResource): boolean {
  return r.Type === 'AWS::Serverless::Function';
}

/** The function's events of this Type, unresolved ([name, Properties]). */
export function eventsOfType(r: RawResource, type: 'Api' | 'HttpApi'): [string, Props][] {
  if (!isServerlessFunction(r)) return [];
  const events = r.Properties?.Events;
  if (!isObject(events)) return [];
  return Object.entries(events)
    .filter(([, e]) => isObject(e) && e.Type === type)
    .map(([name, e]) => [name, isObject((e as Props).Properties) ? ((e as Props).Properties as Props) : {}]);
}

/** Every event of this Type in the template, in resource order, resolved. */
export function functionEvents(b: Builder, type: 'Api' | 'HttpApi'): FunctionEvent[] {
  const templateDir = dirname(resolvePath(b.file));
  const globalFunction = isObject(b.globals.Function) ? b.globals.Function : {};
  const out: FunctionEvent[] = [];
  for (const logicalId of Object.keys(b.resources)) {
    const events = eventsOfType(b.resources[logicalId] as RawResource, type);
    if (events.length === 0) continue;
    const fnWhere = `Resources.${logicalId}.Properties`;
    const p = b.props(logicalId, globalFunction);
    const handler = resolveHandler(p, fnWhere, templateDir, b.fail);
    for (const [eventName] of events) {
      const where = `${fnWhere}.Events.${eventName}.Properties`;
      const props = (isObject(p.Events) && isObject(p.Events[eventName]) ? (p.Events[eventName] as Props).Properties : undefined) ?? {};
      if (!isObject(props)) return b.fail(where, 'must be a mapping');
      out.push({ logicalId, where, props, handler });
    }
  }
  return out;
}
