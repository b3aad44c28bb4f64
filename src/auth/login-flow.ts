// The body of `authapi login`, loaded only when it runs: gather username and
// password (flag, stdin, env, or a prompt at a TTY), sign in with SRP answering
// every challenge, exchange the ID token at the Identity Pool, store the session.
// A client that does not allow SRP signs in through the browser (login-route.ts).
import type { Context } from '../context.js';
import { ConfigError, UsageError } from '../errors.js';
import type { LoginOptions } from './login-options.js';
import { createIdentityPoolApi, type IdentityPoolApi } from './identity.js';
import { hiddenLineReader, lineReader, promptChoice, promptSecret, promptText } from './login-input.js';
import { completeLogin } from './login-complete.js';
import { browserInstead, isSrpFlowDisabled, srpRefusal } from './login-route.js';
import type { SessionDeps } from './session-deps.js';
import { srpLogin, type LoginPrompts, type MfaChallenge } from './srp-login.js';
import { openStore } from './store/choose.js';
import { httpUserPoolTransport } from './user-pool.js';
import { userPoolError } from './user-pool-errors.js';

export interface LoginFlowOptions extends LoginOptions {
  attributes: Record<string, string>;
}

const MFA_LABEL: Record<MfaChallenge, string> = {
  SOFTWARE_TOKEN_MFA: 'authenticator app (TOTP)',
  SMS_MFA: 'SMS',
};

export async function runLogin(ctx: Context, opts: LoginFlowOptions, deps: SessionDeps = {}): Promise<void> {
  if (opts.insecureStorage) ctx.flags.insecureStorage = true;
  const profile = await ctx.profile();
  const { io, env } = ctx;
  // Open the store first, and try it for real (a locked keyring, or one with no
  // default collection, opens fine but stores nothing): no usable store should fail
  // before anyone types a password or any request goes out.
  const store = deps.store ?? (await openStore(ctx, profile.store, { probe: true }));
  // Load the Identity Pool client while the SRP exchange waits on the network.
  const identityApi: Promise<IdentityPoolApi> = deps.identityApi
    ? Promise.resolve(deps.identityApi)
    : createIdentityPoolApi(profile, { signal: ctx.signal, debug: (l) => io.debug(l) });
  identityApi.catch(() => {});

  // --password-stdin with a terminal for stdin: read the line there, unechoed, saying so.
  const readLine = opts.passwordStdin || opts.newPasswordStdin
    ? (io.stdinIsTTY ? hiddenLineReader(io, opts.passwordStdin ? ['password', 'new password'] : ['new password']) : lineReader(io.stdin))
    : undefined;

  const send = deps.userPool ?? httpUserPoolTransport(profile, { signal: ctx.signal, debug: (l) => io.debug(l) });
  let username = opts.username ?? env.AUTHAPI_USERNAME;
  // Before anything is asked: does this client allow SRP at all (login-route.ts)?
  if (profile.loginUrl && (!username || (!opts.passwordStdin && !env.AUTHAPI_PASSWORD))) {
    const refusal = await srpRefusal(send, profile, username);
    if (refusal !== undefined) return browserInstead(ctx, opts, { ...deps, store }, refusal);
  }
  if (!username) {
    if (!io.canPrompt()) throw new UsageError('no username given and no terminal to ask', 'pass --username NAME (or set AUTHAPI_USERNAME)');
    username = (await promptText(io, 'Username')).trim();
  }

  let password: string | undefined;
  if (opts.passwordStdin) {
    password = await readLine!();
    if (!password) throw new UsageError('--password-stdin: stdin had no password line');
  } else if (env.AUTHAPI_PASSWORD) {
    password = env.AUTHAPI_PASSWORD;
  } else {
    if (!io.canPrompt()) {
      throw new UsageError('no password given and no terminal to ask', 'pipe it with --password-stdin (one line), or set AUTHAPI_PASSWORD');
    }
    password = await promptSecret(io, `Password for ${username}`);
  }
  io.redactor.add(password);

  const attributes: Record<string, string> = {};
  const prompts: LoginPrompts = {
    mfaAttempts: opts.mfaCode !== undefined || !io.canPrompt() ? 1 : 3,
    newPasswordAttempts: opts.newPasswordStdin || !io.canPrompt() ? 1 : 3,
    async newPassword({ requiredAttributes, attempt, refused }) {
      for (const name of requiredAttributes) {
        if (attributes[name] !== undefined) continue; // asked on an earlier attempt
        const given = opts.attributes[name];
        if (given !== undefined) attributes[name] = given;
        else if (io.canPrompt()) attributes[name] = await promptText(io, `Value for required attribute ${name}`);
        else throw new UsageError(`the pool requires attribute "${name}" with the new password`, `pass --user-attribute ${name}=VALUE`);
      }
      if (opts.newPasswordStdin) {
        const next = await readLine!();
        if (!next) throw new UsageError('--new-password-stdin: stdin had no line for the new password');
        io.redactor.add(next);
        return { password: next, attributes };
      }
      if (!io.canPrompt()) {
        throw new UsageError('this account must set a new password and there is no terminal to ask',
          'pipe it as the next line of stdin with --new-password-stdin');
      }
      if (attempt === 1) io.info('authapi: this account must choose a new password.');
      else io.warn(`the pool refused that password (${(refused ?? 'it does not meet the password policy').replace(/^Password did not conform with policy: /, '')}); choose another (try ${attempt} of 3)`);
      for (let i = 0; i < 3; i++) {
        const first = await promptSecret(io, 'New password');
        const second = await promptSecret(io, 'Repeat the new password');
        if (first === second && first) {
          io.redactor.add(first);
          return { password: first, attributes };
        }
        io.warn('the two passwords differ; try again');
      }
      throw new UsageError('the new passwords did not match');
    },
    async mfaCode({ challenge, destination, attempt }) {
      if (opts.mfaCode !== undefined) return opts.mfaCode;
      if (!io.canPrompt()) {
        throw new UsageError(`this account needs an MFA code (${MFA_LABEL[challenge]}) and there is no terminal to ask`, 'pass --mfa-code CODE');
      }
      if (attempt > 1) io.warn('that code was not accepted; try again');
      const where = challenge === 'SMS_MFA' ? `Code sent by SMS${destination ? ` to ${destination}` : ''}` : 'Code from your authenticator app';
      return promptText(io, where);
    },
    async totpSetup({ secretCode, otpauthUri, attempt }) {
      if (!io.canPrompt()) {
        throw new UsageError('this account must set up an authenticator app (MFA) and there is no terminal to show its key',
          'run `authapi login` once at a terminal');
      }
      if (attempt === 1) {
        // The one place a secret is shown on purpose: the person must copy it into
        // their app. Straight to the terminal, past the redactor (which masks it
        // everywhere else, --verbose included), and only at a terminal.
        io.info('authapi: this account must set up an authenticator app (TOTP) before it can sign in.');
        io.stderr.write(`  key: ${secretCode}\n  or:  ${otpauthUri}\n`);
      } else {
        io.warn('that code was not accepted; try the next one the app shows');
      }
      return promptText(io, 'Code from your authenticator app');
    },
    async selectMfa(options) {
      const wanted: MfaChallenge | undefined =
        opts.mfaType === 'sms' ? 'SMS_MFA' : opts.mfaType === 'totp' ? 'SOFTWARE_TOKEN_MFA' : undefined;
      if (wanted && options.includes(wanted)) return wanted;
      if (wanted) throw new UsageError(`--mfa-type ${opts.mfaType} is not offered for this account (offered: ${options.map((o) => MFA_LABEL[o]).join(', ')})`);
      if (options.length === 1 || !io.canPrompt()) return options.includes('SOFTWARE_TOKEN_MFA') ? 'SOFTWARE_TOKEN_MFA' : options[0]!;
      return promptChoice(io, 'Which second factor?', options.map((o) => ({ value: o, name: MFA_LABEL[o] })));
    },
  };

  let result;
  try {
    result = await srpLogin({
      profile, username, password, prompts, send, clock: ctx.clock,
      debug: (l) => io.debug(l),
      secret: (v) => io.redactor.add(v),
    });
  } catch (err) {
    if (isSrpFlowDisabled(err)) {
      if (profile.loginUrl) return browserInstead(ctx, opts, { ...deps, store }, err.message);
      throw new ConfigError(`this app client does not allow SRP sign-in (${err.message})`,
        `if the pool has a managed login, add its address to profile "${ctx.profileName}" as "loginUrl" (\`authapi configure --from-stack NAME\` reads it) and sign in with --browser`);
    }
    throw userPoolError(err, 'login', ctx.profileName);
  }
  io.debug(`SRP client CPU: ${result.srpCpuMs.toFixed(1)} ms; challenges: ${result.challenges.join(', ') || 'none'}`);

  const outcome = await completeLogin(ctx, profile, result.tokens, result.userIdForSrp, { ...deps, store, identityApi: await identityApi });
  const until = new Date(outcome.credentials.expiration).toISOString().replace(/\.\d{3}Z$/, 'Z');
  io.info(`authapi: logged in as ${outcome.username} (profile ${ctx.profileName}); AWS credentials valid until ${until}, kept in ${store.name}`);
}
