// Where batch results go: stdout, in completion order or (with --ordered) in input
// order through a reorder buffer. Lines are gathered and written once per turn of
// the event loop: one write per result line costs a system call each (measured: the
// largest client-side cost after undici).

export interface ResultWriter {
  /** The result of the `index`-th request (0-based, in input order), as one line. */
  emit(index: number, line: string): void;
  /** Writes whatever is gathered now. */
  flush(): void;
}

export function resultWriter(out: (text: string) => void, ordered: boolean): ResultWriter {
  let gathered: string[] = [];
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    if (gathered.length === 0) return;
    const text = gathered.join('');
    gathered = [];
    out(text);
  };
  const write = (line: string) => {
    gathered.push(line);
    if (gathered.length >= 256) flush();
    else if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  // Input order: a line waits here until every line before it has been written.
  const waiting = new Map<number, string>();
  let nextToWrite = 0;
  const emitInOrder = (index: number, line: string) => {
    waiting.set(index, line);
    while (waiting.has(nextToWrite)) {
      write(waiting.get(nextToWrite)!);
      waiting.delete(nextToWrite);
      nextToWrite += 1;
    }
  };
  return { emit: ordered ? emitInOrder : (_index, line) => write(line), flush };
}
