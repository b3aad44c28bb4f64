// Reads stack outputs in the two shapes users have at hand:
//   `sam list stack-outputs --output json`     → [{"OutputKey","OutputValue",…}]
//   `aws cloudformation describe-stacks`       → {"Stacks":[{"Outputs":[…]}]}
// and maps the output names infra/template.yaml declares onto profile keys.
import { UsageError } from '../errors.js';
import type { ApiConfig, ApiType, Profile } from './profile.js';

/** Template output name → profile key. */
export const OUTPUT_KEYS: Record<string, keyof Profile> = {
  Region: 'region',
  UserPoolId: 'userPoolId',
  UserPoolClientId: 'userPoolClientId',
  IdentityPoolId: 'identityPoolId',
  ApiUrl: 'apiUrl',
  LoginUrl: 'loginUrl',
};

/**
 * Template output name → the API it is the base URL of, by name and kind in the
 * profile's `apis`. ApiUrl is the default REST API (the profile's apiUrl).
 */
export const API_OUTPUTS: Record<string, { name: string; type: ApiType }> = {
  ApiUrl: { name: 'rest', type: 'rest' },
  HttpApiUrl: { name: 'http', type: 'http' },
  FunctionUrl: { name: 'function-url', type: 'function-url' },
};

/**
 * An API entry known only from its URL: the kind's usual default auth (REST: SigV4
 * and the key, as always; an HTTP API: its JWT authorizer's access token; a function
 * URL: SigV4). configure then fills in the routes from the template (template-apis.ts).
 */
export function bareApi(type: ApiType, url: string | undefined): ApiConfig {
  if (type === 'rest') return { type, auth: 'iam', apiKey: true };
  return { url: url!.replace(/\/+$/, ''), type, auth: type === 'http' ? 'access-token' : 'iam' };
}

export interface StackOutput {
  OutputKey: string;
  OutputValue: string;
}

export function parseOutputs(text: string, source: string): StackOutput[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${source} is not valid JSON (${(err as Error).message})`,
      'pass the output of `sam list stack-outputs --output json` or `aws cloudformation describe-stacks`');
  }
  let list: unknown = data;
  if (data && typeof data === 'object' && !Array.isArray(data) && 'Stacks' in data) {
    const stacks = (data as { Stacks: unknown }).Stacks;
    if (!Array.isArray(stacks) || stacks.length === 0) throw new UsageError(`${source}: "Stacks" is empty`, 'describe the stack by name: `aws cloudformation describe-stacks --stack-name NAME`');
    if (stacks.length > 1) throw new UsageError(`${source} describes ${stacks.length} stacks; authapi needs one`, 'run `aws cloudformation describe-stacks --stack-name NAME`');
    list = (stacks[0] as { Outputs?: unknown }).Outputs;
  }
  if (!Array.isArray(list)) {
    throw new UsageError(`${source} is neither a list of {OutputKey, OutputValue} nor {"Stacks":[{"Outputs":[…]}]}`,
      'pass the output of `sam list stack-outputs --output json` or `aws cloudformation describe-stacks`');
  }
  return list.map((o, i) => {
    if (!o || typeof o !== 'object' || typeof (o as StackOutput).OutputKey !== 'string' || typeof (o as StackOutput).OutputValue !== 'string') {
      throw new UsageError(`${source}: output #${i + 1} has no string OutputKey/OutputValue`);
    }
    return { OutputKey: (o as StackOutput).OutputKey, OutputValue: (o as StackOutput).OutputValue };
  });
}

/** Profile fields found in the outputs; UsageError when none of the template's outputs is there. */
export function profileFromOutputs(outputs: StackOutput[], source: string): Partial<Profile> {
  const found: Partial<Record<keyof Profile, string>> = {};
  const apis: Record<string, ApiConfig> = {};
  for (const { OutputKey, OutputValue } of outputs) {
    const key = OUTPUT_KEYS[OutputKey];
    if (key) found[key] = OutputValue;
    const api = API_OUTPUTS[OutputKey];
    if (api) apis[api.name] = bareApi(api.type, OutputValue);
  }
  if (Object.keys(found).length === 0 && Object.keys(apis).length === 0) {
    throw new UsageError(`${source} has none of the outputs authapi reads (${[...Object.keys(OUTPUT_KEYS), ...Object.keys(API_OUTPUTS).filter((k) => !(k in OUTPUT_KEYS))].join(', ')})`,
      'is it the stack deployed from infra/template.yaml?');
  }
  return { ...(found as Partial<Profile>), ...(Object.keys(apis).length ? { apis } : {}) };
}
