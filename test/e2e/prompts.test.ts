// Prompts in a real terminal (tmux): Ctrl-C at any prompt is "interrupted", exit 130,
// and hidden input shows nothing at all. CI installs tmux, so there these never skip.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, tempDir } from '../helpers/cli.js';
import { TmuxSession, hasTmux } from '../helpers/tmux.js';

const tmuxMissing = !hasTmux() && !process.env.CI;
if (tmuxMissing) process.stderr.write('prompts.test: skipping — tmux is not installed (apt-get install tmux; CI installs it)\n');

describe.skipIf(tmuxMissing)('prompts in a real terminal (tmux)', () => {
  let session: TmuxSession | undefined;
  afterEach(() => session?.kill());

  it('Ctrl-C in the configure wizard: "interrupted", exit 130, nothing written, no "bug"', async () => {
    const dir = tempDir();
    session = new TmuxSession(`${process.execPath} ${BIN} configure --profile wiz`, { AUTHAPI_CONFIG_DIR: dir, XDG_CACHE_HOME: join(dir, 'cache'), NO_COLOR: '1' });
    await session.waitFor('AWS region (--region):');
    session.type('us-west');
    session.key('C-c');
    const screen = await session.waitFor('[exit ');
    expect(screen).toContain('authapi: interrupted\n');
    expect(screen).toContain('[exit 130]');
    expect(screen).not.toMatch(/unexpected error|bug/);
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
  });
});
