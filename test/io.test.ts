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

  it('canPrompt needs both stdin and stderr to be TTYs', () => {
    expect(testIO({ tty: true }).canPrompt()).toBe(true);
    expect(testIO().canPrompt()).toBe(false);
  });
});
