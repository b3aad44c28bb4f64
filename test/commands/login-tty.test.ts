// `authapi login` with a person at the terminal: hidden prompts on stderr answered
// as they appear (a scripted TTY), for the password, a new password typed twice, an
// SMS code, and Ctrl-C.
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { runCli } from '../../src/cli.js';
import { testIO, type IO } from '../../src/io.js';
import { MemoryStore } from '../../src/auth/store/memory.js';
import { readSession } from '../../src/auth/session-data.js';
import { createForceChangeUser, DEMO, enableSmsMfa, lastSmsCode, startStack, type Stack } from '../auth/helpers/stack.js';
import { totpCode } from '../../src/local/cognito-idp/totp.js';

let s: Stack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** A TTY whose "person" answers each prompt (matched on stderr) in order. */
function scriptedTTY(script: { when: RegExp; type: string | (() => string) }[]) {
  const io = testIO({ tty: true }) as IO & { stderrText(): string };
  const stdin = new PassThrough();
  let text = '';
  let from = 0;
  const steps = [...script];
  const stderr = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString('utf8');
      const next = steps[0];
      if (next && next.when.test(text.slice(from))) {
        steps.shift();
        from = text.length;
        const answer = typeof next.type === 'function' ? next.type() : next.type;
        setImmediate(() => stdin.write(answer));
      }
      cb();
    },
  });
  // @inquirer/prompts pipes into its output stream and ends it after each prompt;
  // process.stderr ignores that, so must this stand-in.
  stderr.end = (() => stderr) as typeof stderr.end;
  // Own properties over StreamIO's stream getters.
  Object.defineProperties(io, { stdin: { value: stdin }, stderr: { value: stderr }, stderrText: { value: () => text } });
  return { io, remaining: () => steps.length, text: () => text };
}

async function run(st: Stack, args: string[], tty: ReturnType<typeof scriptedTTY>, store = new MemoryStore()) {
  const code = await runCli(['login', ...args], { io: tty.io, env: st.env, clock: st.clock, secretStore: store });
  return { code, stderr: tty.text(), store };
}

describe('authapi login at a terminal', () => {
  it('asks for the username and a hidden password (never echoed)', async () => {
    s = await startStack();
    const tty = scriptedTTY([
      { when: /Username/, type: 'demouser\r' },
      { when: /Password for demouser/, type: `${DEMO.password}\r` },
    ]);
    const r = await run(s, [], tty);
    expect(r.stderr).toContain('logged in as demouser');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain(DEMO.password);
    // Nothing per character, not even a * (that would tell the length), as sudo and ssh do.
    expect(r.stderr).not.toContain('**');
    expect(r.stderr).toContain('[input is masked]');
    expect(tty.remaining()).toBe(0);
  });

  it('NEW_PASSWORD_REQUIRED: asks twice, again when the two differ', async () => {
    s = await startStack();
    await createForceChangeUser(s, 'newbie', 'TempPASS123');
    const tty = scriptedTTY([
      { when: /Password for newbie/, type: 'TempPASS123\r' },
      { when: /New password/, type: 'FreshPASS123\r' },
      { when: /Repeat the new password/, type: 'FreshPASS124\r' },
      { when: /differ/, type: '' },
      { when: /New password/, type: 'FreshPASS123\r' },
      { when: /Repeat the new password/, type: 'FreshPASS123\r' },
    ]);
    const r = await run(s, ['-u', 'newbie'], tty);
    expect(r.stderr).toContain('this account must choose a new password');
    expect(r.stderr).toContain('logged in as newbie');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('FreshPASS123');
  });

  it('SMS_MFA: prompts with the masked number; a wrong code is asked again', async () => {
    s = await startStack();
    await enableSmsMfa(s, DEMO.username);
    const tty = scriptedTTY([
      { when: /Password for demouser/, type: `${DEMO.password}\r` },
      { when: /Code sent by SMS to \+\*+0100/, type: () => (lastSmsCode(s!) === '000000' ? '111111\r' : '000000\r') },
      { when: /not accepted/, type: '' },
      { when: /Code sent by SMS/, type: () => `${lastSmsCode(s!)}\r` },
    ]);
    const r = await run(s, ['-u', 'demouser'], tty);
    expect(r.stderr).toContain('logged in as demouser');
    expect(r.code).toBe(0);
    expect(await readSession(r.store, 'local', s.profile)).toBeDefined();
  });

  it('MFA_SETUP: shows the new authenticator key and its otpauth URI, then takes the app\'s code', async () => {
    s = await startStack({ mfaRequired: true });
    const tty = scriptedTTY([
      { when: /Password for demouser/, type: `${DEMO.password}\r` },
      // The person types into their app the key shown on stderr, and back the code it shows.
      { when: /Code from your authenticator app/, type: () => `${totpCode(/key: ([A-Z2-7]+)/.exec(tty.text())![1]!, s!.clock.now())}\r` },
    ]);
    const r = await run(s, ['-u', 'demouser'], tty);
    expect(r.stderr).toContain('this account must set up an authenticator app (TOTP) before it can sign in');
    expect(r.stderr).toMatch(/ {2}key: [A-Z2-7]{16,}\n {2}or: {2}otpauth:\/\/totp\//);
    expect(r.stderr).toContain('logged in as demouser');
    expect(r.code).toBe(0);
  });

  it('Ctrl-C at the password prompt: exit 130, nothing stored', async () => {
    s = await startStack();
    const tty = scriptedTTY([{ when: /Password for demouser/, type: '\x03' }]);
    const r = await run(s, ['-u', 'demouser'], tty);
    expect(r.code).toBe(130);
    expect(r.store.items.size).toBe(0);
  });
});
