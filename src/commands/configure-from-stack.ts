// `authapi configure --from-stack NAME`: read a deployed stack's Outputs
// (CloudFormation DescribeStacks) and its API key's value (API Gateway GetApiKey
// with includeValue) with the user's own AWS credentials, found the way the AWS CLI
// finds them (the SDK's default provider chain: env, ~/.aws config/SSO, process,
// container/instance roles). Endpoints and regions follow the SDK's own settings
// (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL…), so what works for `aws
// cloudformation describe-stacks` works here. Loaded only on this path: the SDK
// clients are heavy.
import type { Context } from '../context.js';
import { AuthError, NetworkError, UsageError } from '../errors.js';
import type { Profile } from '../config/profile.js';
import { profileFromOutputs, type StackOutput } from '../config/outputs.js';
import { sdkRequestHandler } from '../http/network.js';
import { CERTIFICATE_HINT, certificateProblem } from '../http/trust.js';

interface AwsLikeError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

function translate(err: unknown, what: string): Error {
  // The proxy or a certificate (src/http/tunnel.ts, trust.ts) already said what is wrong.
  if (err instanceof NetworkError) return err;
  const e = err as AwsLikeError;
  const cert = certificateProblem(e?.code);
  if (cert) return new NetworkError(`${what}: ${cert}`, CERTIFICATE_HINT);
  const name = e?.name ?? '';
  const msg = e?.message ?? String(err);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(msg)) {
    return new AuthError(`${what}: no AWS credentials found (${msg})`, 'configure them as for the AWS CLI: `aws configure`, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY');
  }
  if (/Region is missing/i.test(msg)) return new UsageError(`${what}: no AWS region`, 'pass --region, or set AWS_REGION');
  if (['AccessDenied', 'AccessDeniedException', 'UnrecognizedClientException', 'InvalidClientTokenId', 'ExpiredToken', 'SignatureDoesNotMatch'].includes(name)) {
    return new AuthError(`${what}: ${msg}`, 'check that your AWS credentials may call cloudformation:DescribeStacks and apigateway:GET');
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET'].includes(e?.code ?? '') || name === 'TimeoutError') {
    return new NetworkError(`${what}: ${msg}`, 'check your network (and AWS_ENDPOINT_URL if you set it)');
  }
  return new UsageError(`${what}: ${msg}`);
}

export async function profileFromStack(ctx: Context, stackName: string, region: string | undefined): Promise<Partial<Profile>> {
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$|^arn:/.test(stackName)) {
    throw new UsageError(`--from-stack ${JSON.stringify(stackName)}: not a stack name`, 'stack names start with a letter and hold letters, digits and hyphens');
  }
  const [{ CloudFormationClient, DescribeStacksCommand }, { APIGatewayClient, GetApiKeyCommand }, { fromNodeProviderChain }] = await Promise.all([
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-api-gateway'),
    import('@aws-sdk/credential-providers'),
  ]);
  const credentials = fromNodeProviderChain();
  // Through the proxy NO_PROXY leaves, trusting AWS_CA_BUNDLE (src/http/network.ts).
  const requestHandler = await sdkRequestHandler(ctx.env, { connectMs: 10_000, requestMs: 30_000 });
  const common = { credentials, ...(region ? { region } : {}), maxAttempts: 3, requestHandler };

  const cfn = new CloudFormationClient(common);
  let outputs: StackOutput[];
  try {
    const res = await cfn.send(new DescribeStacksCommand({ StackName: stackName }), { abortSignal: ctx.signal });
    const stack = res.Stacks?.[0];
    if (!stack) throw new UsageError(`stack ${stackName} not found`);
    ctx.io.debug(`stack ${stackName}: ${stack.StackStatus}, ${stack.Outputs?.length ?? 0} outputs`);
    if (stack.StackStatus && /(_FAILED|ROLLBACK_COMPLETE|DELETE_COMPLETE)$/.test(stack.StackStatus)) {
      ctx.io.warn(`stack ${stackName} is in state ${stack.StackStatus}`);
    }
    outputs = (stack.Outputs ?? []).flatMap((o) => (o.OutputKey && o.OutputValue !== undefined ? [{ OutputKey: o.OutputKey, OutputValue: o.OutputValue }] : []));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const msg = (err as AwsLikeError).message ?? '';
    if (/does not exist/.test(msg)) {
      throw new UsageError(`stack ${stackName} does not exist${region ? ` in ${region}` : ''}`, 'check the name, and the region (--region)');
    }
    throw translate(err, `reading stack ${stackName}`);
  } finally {
    cfn.destroy();
  }

  const found = profileFromOutputs(outputs, `stack ${stackName}`);
  const keyId = outputs.find((o) => o.OutputKey === 'ApiKeyId')?.OutputValue;
  if (!keyId) {
    ctx.io.warn(`stack ${stackName} has no ApiKeyId output; pass the key with --api-key`);
    return found;
  }
  const apigw = new APIGatewayClient({ ...common, ...(found.region && !region ? { region: found.region } : {}) });
  try {
    const key = await apigw.send(new GetApiKeyCommand({ apiKey: keyId, includeValue: true }), { abortSignal: ctx.signal });
    if (!key.value) throw new UsageError(`API key ${keyId} has no value in the answer`);
    ctx.io.redactor.add(key.value);
    if (key.enabled === false) ctx.io.warn(`API key ${keyId} is disabled: calls will be refused with 403 Forbidden`);
    return { ...found, apiKey: key.value };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw translate(err, `reading API key ${keyId}`);
  } finally {
    apigw.destroy();
  }
}
