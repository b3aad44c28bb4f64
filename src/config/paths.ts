// Where authapi keeps its files. Only this module and src/context.ts read the
// environment, so every other module can be tested with a Context of its own.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function configDir(env: NodeJS.ProcessEnv): string {
  // Absolute, so that the keychain items and the agent's keys named after it are the
  // same from any working directory.
  if (env.AUTHAPI_CONFIG_DIR) return resolve(env.AUTHAPI_CONFIG_DIR);
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'authapi');
}

/** XDG data dir, for the local emulator's state. */
export function dataDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(base, 'authapi');
}

export function configFile(dir: string): string {
  return join(dir, 'config.json');
}

export function profileFromEnv(env: NodeJS.ProcessEnv, flag?: string): string {
  return flag || env.AUTHAPI_PROFILE || 'default';
}
