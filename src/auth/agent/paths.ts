// Where the credentials agent listens, and the checks that make the socket private:
//   $XDG_RUNTIME_DIR/authapi/agent-<hash>.sock       (a per-user, 0700 tmpfs on systemd systems)
//   <os.tmpdir()>/authapi-<uid>/agent-<hash>.sock    (elsewhere)
// <hash> is a 64-bit FNV-1a hash of the config directory (util/fnv.ts), so each config
// directory (each AUTHAPI_CONFIG_DIR) has its own agent. A collision would only make
// two config directories share an agent, whose keys name the config directory anyway.
// The directory is ours and 0700, or refused: a directory someone else owns or can
// enter could hold a fake agent that would receive the credentials we `put`, so
// clients check it before every connect too.
import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fnv1a64 } from '../../util/fnv.js';

export class InsecureAgentDirError extends Error {}

export function configDirHash(configDir: string): string {
  return fnv1a64(configDir);
}

export function agentSocketDir(env: NodeJS.ProcessEnv, uid: number = process.getuid?.() ?? 0): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && runtime.startsWith('/')) return join(runtime, 'authapi');
  return join(tmpdir(), `authapi-${uid}`);
}

export function agentSocketPath(configDir: string, env: NodeJS.ProcessEnv): string {
  return join(agentSocketDir(env), `agent-${configDirHash(configDir)}.sock`);
}

/** Unix only: Windows would need named pipes and ACLs, which this agent does not do. */
export const agentSupported = (platform: NodeJS.Platform = process.platform) => platform !== 'win32';

/**
 * Throws InsecureAgentDirError unless `dir` is a real directory (not a symlink) owned
 * by this user with no group/other permissions. Returns false when it does not exist.
 */
export function checkAgentDir(dir: string, uid: number = process.getuid?.() ?? 0): boolean {
  let st;
  try {
    st = lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  if (!st.isDirectory()) throw new InsecureAgentDirError(`${dir} is not a directory`);
  if (st.uid !== uid) throw new InsecureAgentDirError(`${dir} is owned by uid ${st.uid}, not ${uid}`);
  if ((st.mode & 0o077) !== 0) throw new InsecureAgentDirError(`${dir} is accessible to others (mode ${(st.mode & 0o777).toString(8)})`);
  return true;
}

/** The agent's directory, created 0700 when missing; an existing unsafe one is refused, never "fixed". */
export function prepareAgentDir(socketPath: string, uid?: number): string {
  const dir = dirname(socketPath);
  if (!checkAgentDir(dir, uid)) {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    checkAgentDir(dir, uid);
  }
  return dir;
}

/** The socket itself: a socket owned by us (checked by clients before they send anything). */
export function checkAgentSocket(socketPath: string, uid: number = process.getuid?.() ?? 0): boolean {
  if (!checkAgentDir(dirname(socketPath), uid)) return false;
  let st;
  try {
    st = lstatSync(socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  if (!st.isSocket()) throw new InsecureAgentDirError(`${socketPath} is not a socket`);
  if (st.uid !== uid) throw new InsecureAgentDirError(`${socketPath} is owned by uid ${st.uid}, not ${uid}`);
  return true;
}
