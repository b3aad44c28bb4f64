// The config file: one JSON document holding every profile. Read leniently
// (profiles are validated when used, so one bad profile does not block the others),
// written atomically with mode 0600. A corrupt file is reported, never overwritten.
import { shellArg } from '../util/shell-arg.js';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { validateProfile, type Profile } from './profile.js';

export interface ConfigData {
  version: 1;
  /** Raw profiles as stored; validate with getProfile before use. */
  profiles: Record<string, unknown>;
}

export function emptyConfig(): ConfigData {
  return { version: 1, profiles: {} };
}

export async function readConfig(path: string): Promise<ConfigData> {
  let text: string;
  try {
    // Synchronous on purpose: a small local file, and node:fs/promises would cost
    // every `call` a few ms of start-up to load.
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyConfig();
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`, 'check the file permissions');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      `${path} is not valid JSON (${(err as Error).message})`,
      'fix the file by hand or move it away and run `authapi configure` again; it was not changed',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${path} must hold a JSON object like {"version":1,"profiles":{…}}`, 'it was not changed');
  }
  const obj = parsed as Record<string, unknown>;
  if (obj.version !== undefined && obj.version !== 1) {
    throw new ConfigError(`${path} has version ${JSON.stringify(obj.version)}; this authapi reads version 1`, 'upgrade authapi');
  }
  const profiles = obj.profiles ?? {};
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) {
    throw new ConfigError(`${path}: "profiles" must be an object of named profiles`, 'it was not changed');
  }
  return { version: 1, profiles: profiles as Record<string, unknown> };
}

export async function writeConfig(path: string, data: ConfigData): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(data, null, 2) + '\n', 0o600);
}

/** The named profile, validated; ConfigError naming file, profile and key otherwise. */
/** `chosenBy`: the environment variable that named the profile, if one did (AUTHAPI_PROFILE). */
export function getProfile(data: ConfigData, name: string, path: string, chosenBy?: string): Profile {
  const raw = data.profiles[name];
  if (raw === undefined) {
    const known = Object.keys(data.profiles);
    const by = chosenBy ? `, chosen by ${chosenBy},` : '';
    throw new ConfigError(
      `no profile "${name}"${by} in ${path}${known.length ? ` (profiles: ${known.join(', ')})` : ''}`,
      name === 'local'
        ? 'start the local stack with `authapi local`, which writes the "local" profile'
        : `run \`authapi configure --profile ${shellArg(name)}\` (or pick another with --profile${chosenBy ? `, or change ${chosenBy}` : ''})`,
    );
  }
  const { profile, problems } = validateProfile(raw);
  if (!profile) {
    throw new ConfigError(
      `profile "${name}" in ${path}: ${problems.join('; ')}`,
      `fix it with \`authapi configure --profile ${shellArg(name)}\``,
    );
  }
  return profile;
}
