// The emulator's state directory: users, signing keys, identities, issued
// credentials and secrets survive a restart, so a login stays valid. One JSON file
// per part, written atomically (temp file + rename) with mode 0600 in a 0700 dir:
// the files hold password verifiers, private signing keys and AWS secrets.
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive } from '../shared/pid-alive.js';

export const STATE_FILES = {
  idp: 'cognito-idp.json',
  identities: 'identities.json',
  credentials: 'credentials.json',
  secrets: 'secrets.json',
  admin: 'admin-credentials.json',
} as const;

/** Held by the running emulator: two emulators on one state dir would overwrite each other. */
const LOCK_FILE = 'emulator.pid';

export type StateFile = (typeof STATE_FILES)[keyof typeof STATE_FILES];

export class StateDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateDirError';
  }
}

export class StateDir {
  private seq = 0;

  private constructor(readonly dir: string) {}

  /**
   * Creates the directory (0700) when missing and tightens it when it exists, and
   * takes its lock: a second emulator on the same dir is refused while the first runs.
   */
  static open(dir: string): StateDir {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700);
    } catch (err) {
      throw new StateDirError(`cannot use state dir ${dir}: ${(err as Error).message}`);
    }
    const lock = join(dir, LOCK_FILE);
    for (let attempt = 0; ; attempt++) {
      try {
        writeFileSync(lock, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
          throw new StateDirError(`cannot lock state dir ${dir}: ${(err as Error).message}`);
        }
        const holder = Number(readFileSync(lock, 'utf8').trim());
        if (Number.isInteger(holder) && holder > 0 && pidAlive(holder)) {
          throw new StateDirError(`state dir ${dir} is in use by another emulator (pid ${holder}); stop it, or use another --state-dir or --no-state`);
        }
        rmSync(lock, { force: true }); // left behind by an emulator that died
      }
    }
    return new StateDir(dir);
  }

  /** Gives the directory up (on close). */
  release(): void {
    rmSync(join(this.dir, LOCK_FILE), { force: true });
  }

  /** The parsed file, or undefined when it does not exist yet. */
  read<T>(name: StateFile): T | undefined {
    const path = join(this.dir, name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StateDirError(`cannot read ${path}: ${(err as Error).message}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new StateDirError(`${path} is not valid JSON; remove it (or the whole state dir) to start afresh`);
    }
  }

  /** Synchronous so that state is on disk before the response that changed it is sent. */
  write(name: StateFile, value: unknown): void {
    const path = join(this.dir, name);
    const tmp = `${path}.${process.pid}.${++this.seq}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(value, null, 1)}\n`, { mode: 0o600 });
    renameSync(tmp, path);
  }
}
