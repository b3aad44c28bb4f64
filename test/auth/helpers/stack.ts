// The whole local stack (User Pool, Identity Pool, STS, API) on 127.0.0.1 port 0 for
// the auth tests, sharing one ManualClock with the client under test so tokens and
// credentials expire when a test says so. Template variants (client secret, alias
// sign-in, legacy user-existence errors…) are written to a temp file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  AdminCreateUserCommand, AdminSetUserMFAPreferenceCommand, AdminUpdateUserAttributesCommand, AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient, InitiateAuthCommand, SetUserMFAPreferenceCommand, VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ManualClock } from '../../../src/clock.js';
import { createContext, type Context } from '../../../src/context.js';
import type { Profile } from '../../../src/config/profile.js';
import { testIO, type TestIO } from '../../../src/io.js';
import { startLocal, type LocalStack } from '../../../src/local/index.js';
import { totpCode } from '../../../src/local/cognito-idp/totp.js';
import { MemoryStore } from '../../../src/auth/store/memory.js';
import { tempDir, writeProfiles } from '../../helpers/cli.js';
import { profileFromLocalInfo } from '../../../src/commands/local.js';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const DEMO = { username: 'demouser', password: 'demoPASS123' };
/** A fixed start: 2026-01-15T12:00:00Z. */
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

export interface TemplateOptions {
  clientSecret?: boolean;
  /** ID/access token validity in minutes (template default 60). */
  tokenMinutes?: number;
  legacyUserExistenceErrors?: boolean;
  /** Let users sign themselves up (the template allows administrators only). */
  selfSignUp?: boolean;
  /** MfaConfiguration: ON (the template's is OPTIONAL): a user without MFA must set it up. */
  mfaRequired?: boolean;
  /** More ExplicitAuthFlows for the app client, e.g. ALLOW_ADMIN_USER_PASSWORD_AUTH. */
  extraAuthFlows?: string[];
  /** Replaces this text of the template with that (fails when it is not there). */
  edit?: [from: string, to: string];
}

export function templateVariant(opts: TemplateOptions): string {
  let text = readFileSync(join(ROOT, 'infra', 'template.yaml'), 'utf8');
  text = text.replace(/CodeUri: functions\//g, `CodeUri: ${join(ROOT, 'infra', 'functions')}/`);
  if (opts.clientSecret) text = text.replace('GenerateSecret: false', 'GenerateSecret: true');
  if (opts.tokenMinutes !== undefined) {
    text = text.replace('AccessTokenValidity: 60', `AccessTokenValidity: ${opts.tokenMinutes}`)
      .replace('IdTokenValidity: 60', `IdTokenValidity: ${opts.tokenMinutes}`);
  }
  if (opts.legacyUserExistenceErrors) text = text.replace('PreventUserExistenceErrors: ENABLED', 'PreventUserExistenceErrors: LEGACY');
  if (opts.selfSignUp) text = text.replace('AllowAdminCreateUserOnly: true', 'AllowAdminCreateUserOnly: false');
  if (opts.mfaRequired) text = text.replace('MfaConfiguration: OPTIONAL', 'MfaConfiguration: ON');
  if (opts.extraAuthFlows) text = text.replace('        - ALLOW_REFRESH_TOKEN_AUTH\n', `        - ALLOW_REFRESH_TOKEN_AUTH\n${opts.extraAuthFlows.map((f) => `        - ${f}\n`).join('')}`);
  if (opts.edit) {
    if (!text.includes(opts.edit[0])) throw new Error(`templateVariant: ${JSON.stringify(opts.edit[0])} is not in the template`);
    text = text.replace(opts.edit[0], opts.edit[1]);
  }
  const path = join(tempDir('authapi-template-'), 'template.yaml');
  writeFileSync(path, text);
  return path;
}

export interface Stack {
  local: LocalStack;
  clock: ManualClock;
  profile: Profile;
  configDir: string;
  env: Record<string, string>;
  admin: CognitoIdentityProviderClient;
  logs: string[];
  /** A Context on the stack's profile ("local"), with a memory store unless given one. */
  context(opts?: { store?: MemoryStore | null; io?: TestIO; clock?: ManualClock }): Context & { io: TestIO };
  close(): Promise<void>;
}

export async function startStack(opts: TemplateOptions & { clock?: ManualClock; users?: { username: string; password: string }[] } = {}): Promise<Stack> {
  const clock = opts.clock ?? new ManualClock(T0);
  const logs: string[] = [];
  const local = await startLocal({
    templatePath: templateVariant(opts),
    clock,
    users: opts.users ?? [DEMO],
    log: (line) => logs.push(line),
  });
  const { info } = local;
  const profile: Profile = profileFromLocalInfo(info);
  const configDir = tempDir('authapi-auth-');
  writeProfiles(configDir, { local: profile });
  const admin = new CognitoIdentityProviderClient({
    region: info.region,
    endpoint: local.url,
    // The administrator credentials the emulator issued (as `authapi local` puts in the profile).
    credentials: info.admin,
    maxAttempts: 1,
  });
  // The SDK signs with its own clock: keep it on the stack's clock, which tests move by hand.
  admin.middlewareStack.add((next) => (args) => {
    admin.config.systemClockOffset = clock.now() - Date.now();
    return next(args);
  }, { step: 'initialize', name: 'followStackClock' });
  const sharedStore = new MemoryStore({ maxValueLength: 1200 });
  return {
    local, clock, profile, configDir, logs, admin,
    env: { AUTHAPI_CONFIG_DIR: configDir, AUTHAPI_PROFILE: 'local' },
    context(o = {}) {
      const io = o.io ?? testIO();
      return createContext({
        io,
        env: { AUTHAPI_CONFIG_DIR: configDir },
        clock: o.clock ?? clock,
        profile: 'local',
        ...(o.store === null ? {} : { secretStore: o.store ?? sharedStore }),
      }) as Context & { io: TestIO };
    },
    async close() {
      admin.destroy();
      await local.close();
    },
  };
}

/** A user who must choose a new password at first sign-in (FORCE_CHANGE_PASSWORD). */
export async function createForceChangeUser(s: Stack, username: string, temporaryPassword: string, attributes: Record<string, string> = {}) {
  await s.admin.send(new AdminCreateUserCommand({
    UserPoolId: s.profile.userPoolId,
    Username: username,
    TemporaryPassword: temporaryPassword,
    MessageAction: 'SUPPRESS',
    UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
  }));
}

/** Enrols a software token for a CONFIRMED user and makes it preferred; returns a code generator. */
export async function enrolTotp(s: Stack, username: string, password: string): Promise<(ms: number) => string> {
  const { AuthenticationResult } = await s.admin.send(new InitiateAuthCommand({
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: s.profile.userPoolClientId, AuthParameters: { USERNAME: username, PASSWORD: password },
  })).catch(() => ({ AuthenticationResult: undefined }));
  let accessToken = AuthenticationResult?.AccessToken;
  if (!accessToken) {
    // The template's client allows SRP only: sign in with our own client.
    const { srpLogin } = await import('../../../src/auth/srp-login.js');
    const { httpUserPoolTransport } = await import('../../../src/auth/user-pool.js');
    const out = await srpLogin({
      profile: s.profile, username, password, clock: s.clock, send: httpUserPoolTransport(s.profile),
      prompts: { mfaAttempts: 1, newPassword: async () => { throw new Error('no'); }, mfaCode: async () => { throw new Error('no'); }, selectMfa: async (o) => o[0]!, totpSetup: async () => { throw new Error('no'); } },
    });
    accessToken = out.tokens.accessToken;
  }
  const { SecretCode } = await s.admin.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  await s.admin.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totpCode(SecretCode!, s.clock.now()) }));
  await s.admin.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  s.clock.advance(30_000); // the enrolment code's step is spent
  return (ms) => totpCode(SecretCode!, ms);
}

/** Turns on SMS MFA for a user (codes show up in the stack's log). */
export async function enableSmsMfa(s: Stack, username: string, phone = '+15555550100'): Promise<void> {
  await s.admin.send(new AdminUpdateUserAttributesCommand({
    UserPoolId: s.profile.userPoolId, Username: username,
    UserAttributes: [{ Name: 'phone_number', Value: phone }, { Name: 'phone_number_verified', Value: 'true' }],
  }));
  await s.admin.send(new AdminSetUserMFAPreferenceCommand({
    UserPoolId: s.profile.userPoolId, Username: username, SMSMfaSettings: { Enabled: true, PreferredMfa: true },
  }));
}

/** The last SMS code the stack "sent". */
export function lastSmsCode(s: Stack): string | undefined {
  for (let i = s.logs.length - 1; i >= 0; i--) {
    const m = /\b(\d{6})\b/.exec(s.logs[i]!);
    if (m && /sms/i.test(s.logs[i]!)) return m[1];
  }
  return undefined;
}
