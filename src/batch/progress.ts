// What a person watching a batch run sees on stderr, and what a script gets.
// At a terminal: one status line, redrawn at most ten times a second — done/read
// (read is the total once the input has ended), counts by outcome and the rate —
// cleared before results are written to the same terminal and drawn again after, so
// it never shares a line with them. Not at a terminal: one summary line at the end,
// only when some line did not get a 2xx.
import type { Clock } from '../clock.js';
import { ExitCode } from '../errors.js';
import type { IO } from '../io.js';

const KINDS = ['2xx', '4xx', '5xx', 'throttled', 'network', 'not sent'] as const;
type Kind = (typeof KINDS)[number];

/** Which count a line's exit code goes to (2 bad line, 3 not logged in, 1 a bug: not sent). */
function kindOf(exitCode: number): Kind {
  switch (exitCode) {
    case ExitCode.OK:
      return '2xx';
    case ExitCode.HTTP_CLIENT:
      return '4xx';
    case ExitCode.HTTP_SERVER:
      return '5xx';
    case ExitCode.THROTTLED:
      return 'throttled';
    case ExitCode.NETWORK:
      return 'network';
    default:
      return 'not sent';
  }
}

export interface BatchProgress {
  /** A line was read. */
  taken(): void;
  /** A line is done, with its exit code. */
  settled(exitCode: number): void;
  /** Around a write of results to stdout: clears the status line when they share a terminal. */
  aroundOutput(write: () => void): void;
  /** The run is over: the final status line (terminal) or the summary (if something failed). */
  end(): void;
  readonly read: number;
  readonly notSent: number;
}

export function batchProgress(io: IO, clock: Clock, opts: { quiet: boolean }): BatchProgress {
  // --verbose traces are lines of their own: no status line among them.
  const live = io.stderrIsTTY && !opts.quiet;
  const sharesTerminal = live && io.stdoutIsTTY;
  const counts = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  const start = clock.now();
  let read = 0;
  let done = 0;
  let lastDraw = -Infinity;
  let shown = false;

  const text = () => {
    const seconds = Math.max((clock.now() - start) / 1000, 0.001);
    const parts = KINDS.filter((k) => k === '2xx' || counts[k] > 0).map((k) => `${counts[k]} ${k}`);
    return `${done}/${read} done: ${parts.join(', ')} (${(done / seconds).toFixed(1)}/s)`;
  };
  const clear = () => {
    if (shown) io.stderr.write('\r\x1b[K');
    shown = false;
  };
  const draw = (force = false) => {
    if (!live) return;
    const now = clock.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    io.stderr.write(`\r\x1b[K${text()}`);
    shown = true;
  };
  return {
    taken() {
      read += 1;
    },
    settled(exitCode) {
      counts[kindOf(exitCode)] += 1;
      done += 1;
      draw();
    },
    aroundOutput(write) {
      if (!sharesTerminal || !shown) return write();
      clear();
      write();
      draw(true);
    },
    end() {
      if (live) {
        if (read > 0) {
          draw(true);
          io.stderr.write('\n');
        }
        return;
      }
      if (counts['2xx'] < done) io.stderr.write(`authapi: batch: ${text()}\n`);
    },
    get read() {
      return read;
    },
    get notSent() {
      return counts['not sent'] + counts.network;
    },
  };
}
