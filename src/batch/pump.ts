// Bounded concurrency over the lines of a stream: the reader waits for a free slot
// before it takes the next line, so a huge input is never read ahead into memory.
// A counter and one waiting resolver (not Promise.race over the requests in flight,
// which would pile a reaction onto every pending request per line).

export interface PumpOptions {
  concurrency: number;
  signal: AbortSignal;
  /** Waits until the next line may start (--rate); rejects on abort. */
  pace?: () => Promise<void>;
}

/**
 * Calls `handle` for every non-blank line (with its 1-based line number and its
 * 0-based index among non-blank lines), at most `concurrency` at once, and resolves
 * when every call has settled. A `handle` that rejects stops the reading and the
 * rejection is rethrown once the calls in flight have settled; so does an abort
 * (then the caller decides what it means). Returns how many lines were taken.
 */
export async function pumpLines(
  lines: AsyncIterable<string>,
  opts: PumpOptions,
  handle: (line: string, lineNo: number, index: number) => Promise<void>,
): Promise<number> {
  let active = 0;
  let wake: (() => void) | undefined;
  let failure: { err: unknown } | undefined;
  const slotFreed = () => new Promise<void>((resolve) => (wake = resolve));
  let lineNo = 0;
  let index = 0;
  for await (const line of lines) {
    lineNo += 1;
    if (line.trim() === '') continue;
    if (opts.pace) {
      try {
        await opts.pace();
      } catch (err) {
        if (opts.signal.aborted) break;
        throw err;
      }
    }
    active += 1;
    handle(line, lineNo, index++)
      .catch((err: unknown) => {
        failure ??= { err };
      })
      .finally(() => {
        active -= 1;
        const w = wake;
        wake = undefined;
        w?.();
      });
    while (active >= opts.concurrency && !failure) await slotFreed();
    if (failure || opts.signal.aborted) break;
  }
  while (active > 0) await slotFreed();
  if (failure) throw failure.err;
  return index;
}
