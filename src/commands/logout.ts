// `authapi logout`: revoke the refresh token at the User Pool (RevokeToken, or the
// managed login's /oauth2/revoke after a browser sign-in; either also invalidates the
// access and ID tokens issued with it) and wipe the profile's stored
// session and credentials. The local wipe always happens; when the revoke cannot
// reach the server the command says so and exits 6, because the refresh token may
// still be valid server-side until it expires.
import type { Command } from 'commander';
import { ExitCode, SilentExit, UserError } from '../errors.js';
import { defineCommand } from './spec.js';

export interface LogoutOptions {
  all?: boolean;
  browser?: boolean;
  insecureStorage?: boolean;
}

export const logoutCommand = defineCommand<LogoutOptions>({
  name: 'logout',
  summary: 'revoke the refresh token and wipe the cached session',
  description:
    'Revoke the refresh token (RevokeToken; after a browser sign-in, the managed login\'s /oauth2/revoke) and delete the stored tokens and AWS credentials of the ' +
    'profile (--all: of every profile, and stop the credentials agent). The local copy is wiped even when the server cannot be reached; ' +
    'then the exit code is 6 and the message says the revoke failed. Logging out twice is not an error.',
  exitCodes: [0, 1, 2, 3, 6, 7, 130],
  examples: [
    'authapi logout',
    'authapi logout --profile local',
    'authapi logout --all',
  ],
  define(cmd: Command) {
    cmd
      .option('--all', 'log out of every profile in the config file')
      .option('--browser', "also open the managed login's /logout in the browser (ends the browser's own sign-in)");
  },
  async run(ctx, opts) {
    if (opts.insecureStorage) ctx.flags.insecureStorage = true;
    const { getProfile } = await import('../config/file.js');
    const { endSession } = await import('../auth/end-session.js');
    const data = await ctx.readConfig();
    const names = opts.all ? Object.keys(data.profiles) : [ctx.profileName];
    if (opts.all && names.length === 0) {
      ctx.io.info(`authapi: no profiles in ${ctx.configPath}; nothing to log out of`);
      return;
    }
    let worst: number = ExitCode.OK;
    for (const name of names) {
      let profile;
      try {
        profile = getProfile(data, name, ctx.configPath);
      } catch (err) {
        if (!opts.all) throw err;
        ctx.io.warn(`skipping profile "${name}": ${(err as Error).message}`);
        continue;
      }
      const outcome = await endSession(ctx, name, profile);
      if (!outcome.hadSession) {
        ctx.io.info(`authapi: not logged in (profile "${name}"); nothing to revoke`);
        continue;
      }
      if (outcome.revoke === 'revoked' || outcome.revoke === 'not-needed') {
        ctx.io.info(`authapi: logged out (profile ${name})${outcome.revoke === 'revoked' ? '; refresh token revoked' : ''}`);
        // The browser's managed-login cookie is the browser's to end (src/auth/browser-login/).
        if (profile.loginUrl) {
          const browser = await import('../auth/browser-login/browser-logout.js');
          if (outcome.browserSignIn || opts.browser) await browser.endBrowserSession(ctx, profile, opts.browser === true && !opts.all);
        }
        continue;
      }
      const failure = outcome.revoke.failed;
      const code = failure instanceof UserError ? failure.exitCode : ExitCode.UNEXPECTED;
      if (code === ExitCode.AUTH) {
        // Cognito refused: the token was already revoked or expired — nothing left to revoke.
        ctx.io.info(`authapi: logged out (profile ${name}); the refresh token was already invalid (${failure.message})`);
        continue;
      }
      ctx.io.warn(`profile ${name}: local session wiped, but revoking the refresh token failed: ${failure.message}` +
        ' — it stays valid on the server until it expires');
      worst = Math.max(worst, code);
    }
    if (opts.all) {
      // Every session of this config directory is gone: its credentials agent has nothing left to serve.
      const { agentEnabled, agentStop } = await import('../auth/agent/link.js');
      if (agentEnabled(ctx) && (await agentStop(ctx))) ctx.io.info('authapi: credentials agent stopped');
    }
    if (worst !== ExitCode.OK) throw new SilentExit(worst as (typeof ExitCode)[keyof typeof ExitCode]);
  },
});
