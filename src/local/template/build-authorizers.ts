// SAM `Auth.Authorizers` of an AWS::Serverless::Api: the COGNITO_USER_POOLS kind
// (`UserPoolArn`, one ARN or a list; `Identity.Header`, default Authorization;
// `Identity.ValidationExpression`; `AuthorizationScopes`). `Identity.ReauthorizeEvery`
// only sets API Gateway's result cache: nothing to emulate, accepted silently.
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-cognitoauthorizer.html
import type { CognitoAuthorizerModel } from '../model.js';
import type { Builder } from './build-model.js';
import { physicalId } from './resources.js';
import { asList, isObject, type Props } from './values.js';

export interface BuiltAuthorizer {
  authorizer: CognitoAuthorizerModel;
  /** The authorizer's own AuthorizationScopes (a method's own replace them). */
  scopes?: string[];
}

/** The named authorizer of an API, or undefined when it is not a Cognito one (a Lambda authorizer). */
export function cognitoAuthorizer(b: Builder, authorizers: Props, name: string, where: string): BuiltAuthorizer | undefined {
  const a = authorizers[name];
  const w = `${where}.Auth.Authorizers.${name}`;
  if (!isObject(a)) return b.fail(w, 'must be a mapping');
  if (a.UserPoolArn === undefined) return undefined;
  const poolsById = new Map(b.byType('AWS::Cognito::UserPool').map((id) => [physicalId(b.naming, 'AWS::Cognito::UserPool', id), id]));
  const arns = asList(a.UserPoolArn);
  if (arns.length === 0) return b.fail(`${w}.UserPoolArn`, 'must name at least one user pool (!GetAtt <UserPool>.Arn)');
  const userPoolIds = arns.map((arn, i) => {
    const m = typeof arn === 'string' ? /^arn:aws[\w-]*:cognito-idp:[^:]+:\d{12}:userpool\/(.+)$/.exec(arn) : null;
    if (!m || !poolsById.has(m[1]!)) {
      return b.fail(`${w}.UserPoolArn${Array.isArray(a.UserPoolArn) ? `[${i}]` : ''}`, 'must be the ARN of a user pool of this template (!GetAtt <UserPool>.Arn)');
    }
    return m[1]!;
  });
  const identity = isObject(a.Identity) ? a.Identity : {};
  const header = identity.Header === undefined ? 'Authorization' : identity.Header;
  if (typeof header !== 'string' || header === '') return b.fail(`${w}.Identity.Header`, 'must be a header name');
  const authorizer: CognitoAuthorizerModel = { name, userPoolIds, header: header.toLowerCase() };
  if (identity.ValidationExpression !== undefined) {
    const expr = String(identity.ValidationExpression);
    try {
      new RegExp(expr);
    } catch {
      return b.fail(`${w}.Identity.ValidationExpression`, `is not a valid regular expression: ${expr}`);
    }
    authorizer.validationExpression = expr;
  }
  const out: BuiltAuthorizer = { authorizer };
  if (a.AuthorizationScopes !== undefined) out.scopes = scopeList(b, a.AuthorizationScopes, `${w}.AuthorizationScopes`);
  return out;
}

export function scopeList(b: Builder, v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) return b.fail(where, 'must be a list of scope names');
  return v as string[];
}
