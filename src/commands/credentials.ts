// `authapi credentials`: hand the session's temporary AWS credentials to other
// tools. `process` is the AWS `credential_process` contract: one line of minified
// JSON with Version 1 and the real RFC 3339 Expiration; the caller swallows stderr
// and has no TTY, so this never prompts — an expired session is exit 3 and one line.
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
import { Option, type Command } from 'commander';
import type { Context } from '../context.js';
import { defineCommand } from './spec.js';
import { sessionCredentials, type AwsCredentials, type GetCredentials } from '../http/credential-source.js';

export interface CredentialsOptions {
  format: 'env' | 'json' | 'process';
  guest?: boolean;
}

export interface CredentialsDeps {
  getCredentials: GetCredentials;
}

export const credentialsCommand = defineCommand<CredentialsOptions>({
  name: 'credentials',
  summary: 'print the temporary AWS credentials (env, json, or credential_process)',
  description:
    'Print the temporary AWS credentials of your session (or of a guest with --guest) for other tools. ' +
    'They are refreshed first when less than 5 minutes are left. Never prompts: without a session it ' +
    'exits 3 with one line saying to run `authapi login`.\n\n' +
    'env: export lines for eval (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION and ' +
    'AWS_DEFAULT_REGION (read by the AWS CLI v1, boto3 and older SDKs), AWS_CREDENTIAL_EXPIRATION). json: {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "Region"}. ' +
    'process: the AWS credential_process format (one line, Version 1, RFC 3339 Expiration); in ~/.aws/config: ' +
    '"credential_process = authapi credentials --format process --profile prod".\n\n' +
    'The output is a secret: do not paste it anywhere.',
  exitCodes: [0, 1, 2, 3, 6, 7, 130],
  examples: [
    'authapi credentials --format json | jq -r .Expiration',
    'eval "$(authapi credentials --format env)" && aws sts get-caller-identity',
    'aws configure set credential_process "authapi credentials --format process --profile prod" --profile myapi',
  ],
  define(cmd: Command) {
    cmd
      .addOption(new Option('--format <format>', 'output format').choices(['env', 'json', 'process']).default('env'))
      .option('--guest', 'the guest (unauthenticated) identity\'s credentials');
  },
  run(ctx, opts) {
    return runCredentials(ctx, opts, { getCredentials: sessionCredentials });
  },
});

/** Single-quoted for POSIX shells (credentials never contain quotes, but be exact). */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function formatCredentials(c: AwsCredentials, format: CredentialsOptions['format'], region: string): string {
  const expiration = new Date(c.expiration).toISOString();
  switch (format) {
    case 'process':
      return JSON.stringify({ Version: 1, AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: expiration }) + '\n';
    case 'json':
      return JSON.stringify({ AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: expiration, Region: region }, null, 2) + '\n';
    case 'env':
      return [
        `export AWS_ACCESS_KEY_ID=${shellQuote(c.accessKeyId)}`,
        `export AWS_SECRET_ACCESS_KEY=${shellQuote(c.secretAccessKey)}`,
        `export AWS_SESSION_TOKEN=${shellQuote(c.sessionToken)}`,
        `export AWS_REGION=${shellQuote(region)}`,
        // The AWS CLI v1, boto3 and older SDKs read only this one.
        `export AWS_DEFAULT_REGION=${shellQuote(region)}`,
        `export AWS_CREDENTIAL_EXPIRATION=${shellQuote(expiration)}`,
      ].join('\n') + '\n';
  }
}

export async function runCredentials(ctx: Context, opts: CredentialsOptions, deps: CredentialsDeps): Promise<void> {
  const profile = await ctx.profile();
  // No guest fallback here: exporting a guest's credentials must be asked for.
  const creds = await deps.getCredentials(ctx, opts.guest ? { guest: true } : undefined);
  ctx.io.redactor.add(creds.secretAccessKey, creds.sessionToken);
  ctx.io.out(formatCredentials(creds, opts.format ?? 'env', profile.region));
}
