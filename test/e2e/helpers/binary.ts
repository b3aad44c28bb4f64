// Running the built binary against a local stack, as the e2e tests do: a config dir
// with the stack's profile, the OS keychain when a Secret Service answers (else the
// 0600 file store, whose every-run announcement is checked and taken out of stderr),
// and a clock shifted by AUTHAPI_TEST_CLOCK_OFFSET_MS (helpers/shift-clock.mjs).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import { runBinary } from '../../helpers/cli.js';
import { openKeychain } from '../../../src/auth/store/keychain.js';

const PRELOAD = pathToFileURL(resolve(import.meta.dirname, 'shift-clock.mjs')).href;
const ANNOUNCEMENT = /^warning: secrets are kept in plaintext files \(mode 0600\) under \S+, as allowed by AUTHAPI_STORE=file\n/;

export interface BinaryEnv {
  env: Record<string, string>;
  keychain: boolean;
}

export async function binaryEnv(configDir: string): Promise<BinaryEnv> {
  const keychain = await openKeychain().then(() => true, () => false);
  const env: Record<string, string> = {
    AUTHAPI_CONFIG_DIR: configDir,
    AUTHAPI_PROFILE: 'local',
    ...(keychain ? {} : { AUTHAPI_STORE: 'file' }),
    ...(process.env.DBUS_SESSION_BUS_ADDRESS ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS } : {}),
  };
  return { env, keychain };
}

/** The binary, living `offsetMs` in the future. */
export async function runShifted(b: BinaryEnv, args: string[], opts: { input?: string; offsetMs?: number } = {}) {
  const r = await runBinary(args, {
    env: { ...b.env, AUTHAPI_TEST_CLOCK_OFFSET_MS: String(opts.offsetMs ?? 0) },
    input: opts.input,
    execArgv: ['--import', PRELOAD],
  });
  if (b.keychain) return r;
  expect(r.stderr).toMatch(ANNOUNCEMENT);
  return { ...r, stderr: r.stderr.replace(ANNOUNCEMENT, '') };
}
