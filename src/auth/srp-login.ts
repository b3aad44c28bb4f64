// User Pool sign-in with USER_SRP_AUTH and every challenge that may follow it
// (NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, SMS_MFA, SELECT_MFA_TYPE, MFA_SETUP of
// an authenticator app, chained).
// Our own small client over src/shared/srp-constants.ts and JSON 1.1 calls, because
// amazon-cognito-identity-js has no client-secret support and its jsbn math costs
// ~400 ms of CPU (docs/login.md). Asking the person for anything is delegated to
// LoginPrompts, so this file never touches a terminal.
import type { Clock } from '../clock.js';
import type { Profile } from '../config/profile.js';
import { AuthError } from '../errors.js';
import { AwsServiceError } from './aws-json.js';
import { passwordClaim, startSrp, type PasswordVerifierChallenge } from './srp-client.js';
import {
  initiateAuth, respondToAuthChallenge, withSecretHash, type AuthenticationResult, type AuthStep, type UserPoolTransport,
} from './user-pool.js';

export type MfaChallenge = 'SOFTWARE_TOKEN_MFA' | 'SMS_MFA';

/** How the login gets what only the person knows, beyond the password. */
export interface LoginPrompts {
  /**
   * NEW_PASSWORD_REQUIRED: the new password, plus values for attributes the pool requires.
   * `refused` is the pool's reason when the previous one broke its password policy.
   */
  newPassword(info: { requiredAttributes: string[]; attempt: number; refused?: string }): Promise<{ password: string; attributes?: Record<string, string> }>;
  /** How many new passwords to try when the pool's policy refuses one (1 when it came from stdin). */
  newPasswordAttempts?: number;
  /** An MFA code; `attempt` counts from 1 (a wrong code does not use up the challenge). */
  mfaCode(info: { challenge: MfaChallenge; destination?: string; attempt: number }): Promise<string>;
  /** How many wrong codes to accept before giving up (1 when the code came from a flag). */
  mfaAttempts: number;
  /** SELECT_MFA_TYPE: which factor to use. */
  selectMfa(options: MfaChallenge[]): Promise<MfaChallenge>;
  /**
   * MFA_SETUP: the pool requires MFA and the account has none. Show the new
   * authenticator key (and its otpauth:// URI) and return the first code the app shows.
   */
  totpSetup(info: TotpSetupInfo): Promise<string>;
}

export interface TotpSetupInfo {
  /** The TOTP key, base32, as Cognito's AssociateSoftwareToken returns it. */
  secretCode: string;
  /** The same as an otpauth:// URI (what a QR code would hold). */
  otpauthUri: string;
  attempt: number;
}

export interface SrpLoginParams {
  profile: Profile;
  username: string;
  password: string;
  prompts: LoginPrompts;
  send: UserPoolTransport;
  clock: Clock;
  random?: (n: number) => Buffer;
  debug?: (line: string) => void;
  /** Called with every secret value as soon as it exists, for redaction. */
  secret?: (value: string) => void;
}

export interface SrpLoginResult {
  tokens: AuthenticationResult & { refreshToken: string };
  /** USER_ID_FOR_SRP: the pool's username (cognito:username), what SECRET_HASH uses from now on. */
  userIdForSrp: string;
  /** Challenges answered on the way, in order (for tests and --verbose). */
  challenges: string[];
  /** CPU milliseconds spent in SRP math (bench). */
  srpCpuMs: number;
}

const MAX_STEPS = 10;

export async function srpLogin(p: SrpLoginParams): Promise<SrpLoginResult> {
  const { profile, send } = p;
  let cpu = process.cpuUsage();
  const srp = startSrp(p.random);
  let srpCpu = cpuMs(process.cpuUsage(cpu));

  let step = await initiateAuth(send, profile, 'USER_SRP_AUTH', withSecretHash(profile, p.username, {
    USERNAME: p.username,
    SRP_A: srp.A.toString(16),
  }));
  if (step.kind !== 'challenge' || step.name !== 'PASSWORD_VERIFIER') {
    throw new AuthError(`unexpected answer to USER_SRP_AUTH (${step.kind === 'challenge' ? step.name : 'tokens without a password proof'})`);
  }
  const params = step.parameters as Partial<PasswordVerifierChallenge> & Record<string, string>;
  for (const key of ['SALT', 'SRP_B', 'SECRET_BLOCK', 'USER_ID_FOR_SRP'] as const) {
    if (!params[key]) throw new AuthError(`the User Pool's PASSWORD_VERIFIER challenge lacks ${key}`);
  }
  const userIdForSrp = params.USER_ID_FOR_SRP!;
  // After the SRP step Cognito expects its own username (the UUID with alias sign-in).
  const username = params.USERNAME || userIdForSrp;

  cpu = process.cpuUsage();
  const claim = passwordClaim(srp, params as PasswordVerifierChallenge, profile.userPoolId, p.password, new Date(p.clock.now()));
  srpCpu += cpuMs(process.cpuUsage(cpu));
  p.secret?.(claim.PASSWORD_CLAIM_SIGNATURE);

  step = await respondToAuthChallenge(send, profile, 'PASSWORD_VERIFIER', step.session,
    withSecretHash(profile, username, { USERNAME: username, ...claim }));

  const challenges: string[] = [];
  for (let i = 0; i < MAX_STEPS; i++) {
    if (step.kind === 'tokens') {
      const { refreshToken } = step.result;
      if (!refreshToken) throw new AuthError('the User Pool signed you in but sent no refresh token');
      return { tokens: { ...step.result, refreshToken }, userIdForSrp, challenges, srpCpuMs: srpCpu };
    }
    challenges.push(step.name);
    p.debug?.(`challenge ${step.name}`);
    step = await answerChallenge(p, step, username);
  }
  throw new AuthError(`the User Pool kept asking for more (${challenges.join(', ')}); giving up`);
}

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

async function answerChallenge(
  p: SrpLoginParams,
  step: Extract<AuthStep, { kind: 'challenge' }>,
  fallbackUsername: string,
): Promise<AuthStep> {
  const username = step.parameters.USERNAME || step.parameters.USER_ID_FOR_SRP || fallbackUsername;
  const respond = (responses: Record<string, string>) =>
    respondToAuthChallenge(p.send, p.profile, step.name, step.session, withSecretHash(p.profile, username, { USERNAME: username, ...responses }));

  switch (step.name) {
    case 'NEW_PASSWORD_REQUIRED': {
      const required = parseJsonList(step.parameters.requiredAttributes).map((a) => a.replace(/^userAttributes\./, ''));
      let refused: string | undefined;
      for (let attempt = 1; ; attempt++) {
        const answer = await p.prompts.newPassword({ requiredAttributes: required, attempt, refused });
        p.secret?.(answer.password);
        const responses: Record<string, string> = { NEW_PASSWORD: answer.password };
        for (const [name, value] of Object.entries(answer.attributes ?? {})) responses[`userAttributes.${name}`] = value;
        try {
          return await respond(responses);
        } catch (err) {
          // A password the policy refuses does not spend the session: ask again rather
          // than end the login (and make the person type the temporary password anew).
          if (err instanceof AwsServiceError && err.type === 'InvalidPasswordException' && attempt < (p.prompts.newPasswordAttempts ?? 1)) {
            refused = err.message;
            continue;
          }
          throw err;
        }
      }
    }
    case 'SOFTWARE_TOKEN_MFA':
    case 'SMS_MFA': {
      const challenge = step.name;
      const codeKey = challenge === 'SMS_MFA' ? 'SMS_MFA_CODE' : 'SOFTWARE_TOKEN_MFA_CODE';
      for (let attempt = 1; ; attempt++) {
        const code = await p.prompts.mfaCode({ challenge, destination: step.parameters.CODE_DELIVERY_DESTINATION, attempt });
        try {
          return await respond({ [codeKey]: code.trim() });
        } catch (err) {
          // A wrong code does not consume the session (docs/protocols.md): ask again at a TTY.
          if (err instanceof AwsServiceError && err.type === 'CodeMismatchException' && attempt < p.prompts.mfaAttempts) continue;
          throw err;
        }
      }
    }
    case 'SELECT_MFA_TYPE': {
      const options = parseJsonList(step.parameters.MFAS_CAN_CHOOSE).filter(
        (o): o is MfaChallenge => o === 'SOFTWARE_TOKEN_MFA' || o === 'SMS_MFA');
      if (!options.length) throw new AuthError('the User Pool asks to choose an MFA type but offers none authapi knows');
      return respond({ ANSWER: await p.prompts.selectMfa(options) });
    }
    case 'MFA_SETUP':
      return setUpTotp(p, step, username);
    default:
      throw new AuthError(`the User Pool asks for a challenge authapi does not support: ${step.name}`);
  }
}

/**
 * MFA_SETUP with an authenticator app: AssociateSoftwareToken and VerifySoftwareToken
 * on the sign-in's session (no access token exists yet), then the challenge answer.
 * A wrong first code does not spend the session: it is asked again at a terminal.
 */
async function setUpTotp(p: SrpLoginParams, step: Extract<AuthStep, { kind: 'challenge' }>, username: string): Promise<AuthStep> {
  const offered = parseJsonList(step.parameters.MFAS_CAN_SETUP);
  if (!offered.includes('SOFTWARE_TOKEN_MFA')) {
    throw new AuthError(`this account must set up MFA, and the pool offers no authenticator app to set up (offered: ${offered.join(', ') || 'nothing'})`,
      'set up MFA for the account another way (e.g. an administrator adds a phone number), then run `authapi login` again');
  }
  const assoc = await p.send('AssociateSoftwareToken', { Session: step.session });
  const secretCode = typeof assoc.SecretCode === 'string' ? assoc.SecretCode : '';
  let session = typeof assoc.Session === 'string' ? assoc.Session : '';
  if (!secretCode || !session) throw new AuthError('the User Pool\'s answer to AssociateSoftwareToken lacks SecretCode or Session');
  p.secret?.(secretCode);
  // Authenticator apps show "issuer: account"; the pool id tells pools apart.
  const issuer = p.profile.userPoolId;
  const otpauthUri = `otpauth://totp/${encodeURIComponent(`${issuer}:${username}`)}?secret=${secretCode}&issuer=${encodeURIComponent(issuer)}`;
  for (let attempt = 1; ; attempt++) {
    const code = (await p.prompts.totpSetup({ secretCode, otpauthUri, attempt })).trim();
    try {
      const verified = await p.send('VerifySoftwareToken', { Session: session, UserCode: code, FriendlyDeviceName: 'authapi' });
      if (typeof verified.Session === 'string') session = verified.Session;
      break;
    } catch (err) {
      const wrongCode = err instanceof AwsServiceError && (err.type === 'EnableSoftwareTokenMFAException' || err.type === 'CodeMismatchException');
      if (wrongCode && attempt < p.prompts.mfaAttempts) continue;
      throw err;
    }
  }
  return respondToAuthChallenge(p.send, p.profile, 'MFA_SETUP', session, withSecretHash(p.profile, username, { USERNAME: username }));
}

function parseJsonList(text: string | undefined): string[] {
  if (!text) return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
