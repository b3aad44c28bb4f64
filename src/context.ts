// What every command receives: IO, environment, clock, where config lives, which
// profile, and the secret store, all injected so tests can drive any command
// in-process. Only this file and src/config read the environment.
import { systemClock, type Clock } from './clock.js';
import { systemIO, type IO } from './io.js';
import { configDir, configFile, profileFromEnv } from './config/paths.js';
import { readConfig, writeConfig, getProfile, type ConfigData } from './config/file.js';
import type { Profile } from './config/profile.js';
import type { SecretStore } from './auth/store/types.js';

export interface Context {
  io: IO;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  profileName: string;
  /** Whether the profile came from --profile/AUTHAPI_PROFILE (not the default). */
  profileExplicit: boolean;
  configDir: string;
  configPath: string;
  verbose: boolean;
  readConfig(): Promise<ConfigData>;
  writeConfig(data: ConfigData): Promise<void>;
  /** The selected profile, validated (ConfigError otherwise). */
  profile(): Promise<Profile>;
  /**
   * Overrides secret-store selection (tests inject a memory store). When absent,
   * the auth layer opens the store the user allowed (src/auth/store).
   */
  secretStore?: SecretStore;
  /** Tool-wide flags that change the store choice, e.g. --insecure-storage. */
  flags: { insecureStorage?: boolean };
}

export interface ContextOptions {
  io?: IO;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  signal?: AbortSignal;
  profile?: string;
  verbose?: boolean;
  secretStore?: SecretStore;
  insecureStorage?: boolean;
}

export function createContext(opts: ContextOptions = {}): Context {
  const env = opts.env ?? process.env;
  const io = opts.io ?? systemIO(env);
  const verbose = opts.verbose ?? false;
  io.verbose = verbose;
  const dir = configDir(env);
  const path = configFile(dir);
  const profileName = profileFromEnv(env, opts.profile);
  let cached: Promise<ConfigData> | undefined;
  const ctx: Context = {
    io,
    env,
    clock: opts.clock ?? systemClock,
    signal: opts.signal ?? new AbortController().signal,
    profileName,
    profileExplicit: Boolean(opts.profile || env.AUTHAPI_PROFILE),
    configDir: dir,
    configPath: path,
    verbose,
    readConfig: () => (cached ??= readConfig(path)),
    async writeConfig(data) {
      await writeConfig(path, data);
      cached = Promise.resolve(data);
    },
    async profile() {
      const data = await ctx.readConfig();
      const p = getProfile(data, profileName, path, opts.profile || !env.AUTHAPI_PROFILE ? undefined : 'AUTHAPI_PROFILE');
      io.redactor.add(p.apiKey, p.clientSecret, p.admin?.secretAccessKey);
      return p;
    },
    secretStore: opts.secretStore,
    flags: { insecureStorage: opts.insecureStorage },
  };
  return ctx;
}
