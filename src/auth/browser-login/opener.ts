// Opens a URL in the person's browser: $BROWSER when set (as git, gh and Python's
// webbrowser read it: a command, `%s` standing for the URL, or the URL appended),
// else the platform's opener. Failing to open is not fatal: the URL is printed too.
import { spawn } from 'node:child_process';

export interface OpenResult {
  command: string;
  ok: boolean;
  error?: string;
}

export function openerCommand(url: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): { file: string; args: string[]; shell: boolean } {
  const browser = env.BROWSER?.split(process.platform === 'win32' ? ';' : ':').find((s) => s.trim() !== '');
  if (browser) {
    // A shell runs it, as the other tools do; the URL is quoted for it.
    const quoted = `'${url.replace(/'/g, `'\\''`)}'`;
    return { file: browser.includes('%s') ? browser.replace(/%s/g, quoted) : `${browser} ${quoted}`, args: [], shell: true };
  }
  if (platform === 'darwin') return { file: 'open', args: [url], shell: false };
  if (platform === 'win32') return { file: 'rundll32', args: ['url.dll,FileProtocolHandler', url], shell: false };
  return { file: 'xdg-open', args: [url], shell: false };
}

export function openBrowser(url: string, env: NodeJS.ProcessEnv): Promise<OpenResult> {
  const cmd = openerCommand(url, env);
  const shown = cmd.shell ? (env.BROWSER ?? '') : cmd.file;
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(cmd.file, cmd.args, { shell: cmd.shell, detached: true, stdio: 'ignore', env });
    } catch (err) {
      resolve({ command: shown, ok: false, error: (err as Error).message });
      return;
    }
    child.once('error', (err) => resolve({ command: shown, ok: false, error: err.message }));
    child.once('spawn', () => {
      child.unref();
      resolve({ command: shown, ok: true });
    });
  });
}
