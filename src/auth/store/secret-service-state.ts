// What the Secret Service says about itself, asked over the D-Bus session bus with
// `dbus-send` (part of every D-Bus install). The keychain library's errors do not
// always tell a locked keyring from a missing one — a timeout says neither — so after
// a failed probe (in `status` and `login` only, never on the path of `call`) we ask
// the service which collection the "default" alias names and whether it is locked.
// Interfaces: https://specifications.freedesktop.org/secret-service-spec/latest/
import { execFile } from 'node:child_process';

export interface SecretServiceFacts {
  /** Object path of the default collection; undefined when the alias is unset ("/"). */
  defaultCollection?: string;
  /** Whether that collection is locked; undefined when there is none. */
  locked?: boolean;
}

const SERVICE = 'org.freedesktop.secrets';

function dbusSend(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('dbus-send', ['--session', '--print-reply', `--reply-timeout=${timeoutMs}`, `--dest=${SERVICE}`, ...args],
      { timeout: timeoutMs + 500, encoding: 'utf8' },
      (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/**
 * The default collection and whether it is locked, or undefined when the service
 * cannot be asked (no dbus-send, no bus, no answer): the caller then goes by the
 * library's error text alone.
 */
export async function askSecretService(timeoutMs = 2_000): Promise<SecretServiceFacts | undefined> {
  try {
    const alias = await dbusSend(['/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.ReadAlias', 'string:default'], timeoutMs);
    const path = /object path "([^"]*)"/.exec(alias)?.[1];
    if (path === undefined) return undefined;
    if (path === '/') return {};
    const locked = await dbusSend([path, 'org.freedesktop.DBus.Properties.Get', 'string:org.freedesktop.Secret.Collection', 'string:Locked'], timeoutMs);
    const flag = /boolean (true|false)/.exec(locked)?.[1];
    return { defaultCollection: path, ...(flag ? { locked: flag === 'true' } : {}) };
  } catch {
    return undefined;
  }
}
