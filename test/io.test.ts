import { describe, expect, it } from 'vitest';
import { testIO, wantsColor } from '../src/io.js';

describe('io', () => {
  it('colour follows --no-color, NO_COLOR, FORCE_COLOR and the TTY', () => {
    expect(wantsColor({}, true)).toBe(true);
    expect(wantsColor({}, false)).toBe(false);
    expect(wantsColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(wantsColor({}, true, false)).toBe(false);
    expect(wantsColor({ TERM: 'dumb' }, true)).toBe(false);
    expect(wantsColor({ FORCE_COLOR: '1' }, false)).toBe(true);
  });

  it('debug lines appear only with --verbose, redacted', () => {
    const quiet = testIO();
    quiet.debug('hidden');
    expect(quiet.stderrText()).toBe('');
    const loud = testIO({ verbose: true });
    loud.redactor.add('s3cr3t-value');
    loud.debug('sending s3cr3t-value');
    expect(loud.stderrText()).toBe('debug: sending ***\n');
    expect(loud.stdoutText()).toBe('');
  });

  it('progress draws only for a person at a terminal', () => {
    const script = testIO();
    const p = script.progress(3, 'calls ');
    p.tick(); p.tick(); p.tick(); p.done();
    expect(script.stderrText()).toBe('');
    const person = testIO({ tty: true });
    const q = person.progress(2, 'calls ');
    q.tick(2); q.done();
    expect(person.stderrText()).toContain('2/2');
    expect(person.stdoutText()).toBe('');
  });

  it('canPrompt needs both stdin and stderr to be TTYs', () => {
    expect(testIO({ tty: true }).canPrompt()).toBe(true);
    expect(testIO().canPrompt()).toBe(false);
  });
});
