// A real terminal for tests of interactive prompts: tmux runs the command in a
// pseudo-terminal, send-keys types, capture-pane reads the screen.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
}

export class TmuxSession {
  readonly name = `authapi-${randomBytes(4).toString('hex')}`;
  // A tmux server per session: a new session on a server still shutting down from the
  // last one's kill() fails ("server exited unexpectedly").
  private readonly socket = `authapi-test-${process.pid}-${this.name}`;

  constructor(command: string, env: Record<string, string> = {}) {
    const exports = Object.entries(env).map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}';`).join(' ');
    // Keep the pane after exit so the last screen and the exit code can be read.
    const r = spawnSync('tmux', ['-L', this.socket, 'new-session', '-d', '-s', this.name, '-x', '160', '-y', '50',
      `${exports} ${command}; echo "[exit $?]"; sleep 60`]);
    if (r.status !== 0) throw new Error(`tmux failed: ${r.stderr}`);
  }

  screen(): string {
    return spawnSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', this.name], { encoding: 'utf8' }).stdout;
  }

  /** Types literal text (no Enter). */
  type(text: string): void {
    spawnSync('tmux', ['-L', this.socket, 'send-keys', '-t', this.name, '-l', text]);
  }

  key(name: string): void {
    spawnSync('tmux', ['-L', this.socket, 'send-keys', '-t', this.name, name]);
  }

  /** Polls the screen until `pattern` shows (a guard of 15 s against a hang). */
  async waitFor(pattern: RegExp | string): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const s = this.screen();
      if (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}
