// Prompts in a real terminal (tmux): Ctrl-C at any prompt is "interrupted", exit 130,
// and hidden input shows nothing at all. CI installs tmux, so there these never skip.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, tempDir } from '../helpers/cli.js';
import { TmuxSession, hasTmux } from '../helpers/tmux.js';
import { ManualClock } from '../../src/clock.js';
import { DEMO, createForceChangeUser, startStack, type Stack } from '../auth/helpers/stack.js';

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

describe.skipIf(tmuxMissing)('login prompts in a real terminal (tmux)', () => {
  let stack: Stack;
  let session: TmuxSession | undefined;
  // The binary runs in its own process against this emulator, at the real time.
  beforeAll(async () => {
    stack = await startStack({ clock: { now: () => Date.now(), sleep: new ManualClock().sleep } as unknown as ManualClock });
  });
  afterAll(async () => stack?.close());
  afterEach(() => session?.kill());
  const env = () => ({ ...stack.env, AUTHAPI_STORE: 'file', AUTHAPI_AGENT: '0', XDG_CACHE_HOME: join(stack.configDir, 'cache'), NO_COLOR: '1' });
  const login = (args: string) => new TmuxSession(`${process.execPath} ${BIN} login ${args}`, env());

  it('the hidden password prompt shows nothing per character, not even a *', async () => {
    session = login('-u demouser');
    await session.waitFor('Password for demouser');
    session.type(DEMO.password);
    session.key('Enter');
    // The answered prompt stays on screen as it was drawn: a masked one would show ***********.
    const screen = await session.waitFor('[exit ');
    expect(screen).toMatch(/Password for demouser *\n/);
    expect(screen).not.toMatch(/\*{3,}/);
    expect(screen).toContain('logged in as demouser');
    expect(screen).toContain('[exit 0]');
    expect(screen).not.toContain(DEMO.password);
  });

  it('--password-stdin at a terminal says so and reads without echo', async () => {
    session = login('-u demouser --password-stdin');
    await session.waitFor('--password-stdin: type the password here (it is not shown), then Enter:');
    session.type(DEMO.password);
    session.key('Enter'); // echoed text would stay on screen after it
    const screen = await session.waitFor('[exit ');
    expect(screen).toContain('logged in as demouser');
    expect(screen).toContain('[exit 0]');
    expect(screen).not.toContain(DEMO.password);
  });

  it('--password-stdin at a terminal: Ctrl-C is "interrupted", exit 130, and the terminal echoes again', async () => {
    session = new TmuxSession(`${process.execPath} ${BIN} login -u demouser --password-stdin; echo "[after $?]"; read -r x; echo "[read $x]"`, env());
    await session.waitFor('then Enter:');
    session.type('abc');
    session.key('C-c');
    await session.waitFor('[after 130]');
    session.type('visible');
    await session.waitFor('visible'); // echo is back on
    session.key('Enter');
    const screen = await session.waitFor('[read visible]');
    expect(screen).toContain('authapi: interrupted');
  });

  it('a new password the pool refuses is asked again, with the reason, not the whole login', async () => {
    await createForceChangeUser(stack, 'newbie', 'TempPass123');
    session = login('-u newbie');
    const answer = async (prompt: string | RegExp, text: string) => {
      await session!.waitFor(prompt);
      session!.type(text);
      session!.key('Enter');
    };
    await answer('Password for newbie', 'TempPass123');
    await answer(/New password/, 'short');
    await answer(/Repeat the new password/, 'short');
    await session.waitFor(/the pool refused that password \(Password not long enough\); choose another \(try 2 of 3\)/);
    await answer(/New password(?![\s\S]*Repeat)[\s\S]*$/, 'GoodPass456');
    await answer(/Repeat the new password[^\n]*\n?[^R]*$/, 'GoodPass456');
    const screen = await session.waitFor('[exit ');
    expect(screen).toContain('logged in as newbie');
    expect(screen).toContain('[exit 0]');
    expect(screen).not.toMatch(/TempPass123|GoodPass456|short/);
  });
});
