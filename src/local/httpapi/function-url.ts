// A Lambda function URL: every method and path goes to the one function, with the
// payload format 2.0 event (routeKey and stage `$default`, the URL's host as
// domainName). AuthType AWS_IAM: a SigV4 signature for the service `lambda` (one made
// for execute-api is refused: its credential scope names another service) and an
// identity policy allowing lambda:InvokeFunctionUrl — and, for URLs created since
// October 2025, lambda:InvokeFunction — on the function.
// https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
//
// Refusals: 403 {"Message":"Forbidden. For troubleshooting Function URL authorization
// issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"} is the
// body users captured from function URLs that do not let them in (2025/2026); the
// x-amzn-ErrorType AccessDeniedException header, the same answer for a missing
// signature, and the signature refusals' bodies and error types are not confirmed
// by a captured sample.
import type { CredentialRegistry } from '../credentials.js';
import type { Clock, FunctionUrlModel, LocalRequest, LocalResponse, RoleModel, RouteModel, StackModel } from '../model.js';
import { evaluatePolicy, rolesByLogicalId, signerOf } from '../apigw/iam-policy.js';
import { newTraceId } from '../apigw/gateway-responses.js';
import { handlerAnswer, invokeHandler } from '../apigw/lambda-proxy.js';
import { requestUuid } from '../apigw/random-ids.js';
import { conditionContext } from '../apigw/service.js';
import { verifySigV4Now, type SigV4Result } from '../apigw/sigv4-verify.js';
import { splitTarget } from '../apigw/wire-url.js';
import { buildV2Event, iamContext, readV2Result, type V2Authorizer } from './payload-v2.js';

/** Function URLs' request payload limit (6 MB, buffered). */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export const FORBIDDEN_MESSAGE = 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html';

export interface FunctionUrlServiceOptions {
  stack: StackModel;
  url: FunctionUrlModel;
  credentials: CredentialRegistry;
  clock: Clock;
  onHandlerError?: (err: unknown) => void;
  onRefusal?: (line: string) => void;
}

function lambdaError(status: number, errorType: string, body: string): LocalResponse {
  return {
    status,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
      'x-amzn-RequestId': requestUuid(),
      'x-amzn-ErrorType': errorType,
    },
    body,
  };
}

export const functionUrlAnswers = {
  forbidden: () => lambdaError(403, 'AccessDeniedException', JSON.stringify({ Message: FORBIDDEN_MESSAGE })),
  signature: (v: Extract<SigV4Result, { ok: false }>) => {
    const type = v.reason === 'incomplete' ? 'IncompleteSignatureException' : v.reason === 'invalid-token' ? 'UnrecognizedClientException' : v.reason === 'expired-token' ? 'ExpiredTokenException' : 'InvalidSignatureException';
    return lambdaError(403, type, JSON.stringify({ message: v.message }));
  },
  tooLarge: () => lambdaError(413, 'RequestTooLargeException', JSON.stringify({ Message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' })),
  /** A function that fails or answers malformed output. Not confirmed by a captured sample. */
  internalError: () => lambdaError(502, 'InternalServerError', JSON.stringify({ Message: 'Internal Server Error' })),
};

export class FunctionUrlService {
  private readonly route: RouteModel;
  private readonly rolesById: Map<string, RoleModel>;
  /** `<url-id>.lambda-url.<region>.on.aws`, what the function sees as domainName. */
  readonly domainName: string;

  constructor(private readonly opts: FunctionUrlServiceOptions) {
    const u = opts.url;
    this.route = { method: 'ANY', path: '/{proxy+}', auth: u.authType, apiKeyRequired: false, functionLogicalId: u.functionLogicalId, handlerFile: u.handlerFile, handlerExport: u.handlerExport };
    this.domainName = `${u.urlId}.lambda-url.${opts.stack.region}.on.aws`;
    this.rolesById = rolesByLogicalId(opts.stack.roles);
  }

  async handle(req: LocalRequest): Promise<LocalResponse> {
    const { stack, url, clock } = this.opts;
    if (req.body.length > MAX_BODY_BYTES) return functionUrlAnswers.tooLarge();
    let authorizer: V2Authorizer | undefined;
    if (url.authType === 'AWS_IAM') {
      const pending = verifySigV4Now(req, { service: 'lambda', region: stack.region, credentials: this.opts.credentials, clock });
      const v = pending instanceof Promise ? await pending : pending;
      if (!v.ok) {
        this.opts.onRefusal?.(`function URL of ${url.functionLogicalId}: ${v.message}`);
        return v.reason === 'missing' ? functionUrlAnswers.forbidden() : functionUrlAnswers.signature(v);
      }
      const { role, userArn } = signerOf(this.rolesById, stack.accountId, v.credentials.roleLogicalId);
      const context = {
        ...conditionContext(req, v.credentials, role, stack, clock.now()),
        'lambda:FunctionUrlAuthType': url.authType,
        'lambda:InvokedViaFunctionUrl': 'true',
      };
      const statements = role?.statements ?? [];
      const denied = ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'].find((action) => evaluatePolicy(statements, action, url.functionArn, context) !== 'allow');
      if (denied) {
        this.opts.onRefusal?.(`function URL of ${url.functionLogicalId}: ${userArn} may not ${denied} on ${url.functionArn}`);
        return functionUrlAnswers.forbidden();
      }
      authorizer = { iam: iamContext(v.credentials, role, stack.accountId, userArn) };
    }
    const target = splitTarget(req.url);
    const nowMs = clock.now();
    const requestId = requestUuid();
    const event = buildV2Event({
      req,
      routeKey: '$default',
      rawPath: target.path,
      rawQuery: target.rawQuery,
      pathParameters: null,
      stage: '$default',
      apiId: url.urlId,
      // The caller's account; an unsigned caller is "anonymous" (as seen in events of
      // AuthType NONE URLs; not confirmed by a captured sample of ours).
      accountId: authorizer ? stack.accountId : 'anonymous',
      domainName: this.domainName,
      requestId,
      nowMs,
      authorizer,
    });
    let out: unknown;
    try {
      out = await invokeHandler(this.route, event, nowMs, stack.region, stack.accountId);
    } catch (err) {
      this.opts.onHandlerError?.(err);
      return functionUrlAnswers.internalError();
    }
    const result = readV2Result(out);
    if (!result) {
      this.opts.onHandlerError?.(new Error(`Malformed function URL response from ${url.functionLogicalId}`));
      return functionUrlAnswers.internalError();
    }
    return handlerAnswer(result, { 'x-amzn-RequestId': requestId, 'X-Amzn-Trace-Id': newTraceId(nowMs) });
  }
}
