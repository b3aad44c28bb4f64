// `--timeout SECONDS` for call and batch: one reading, one error.
import { UsageError } from '../errors.js';

/** Milliseconds from `--timeout` (seconds, fractions allowed; 0 = no timeout; default 30). */
export function timeoutMs(value: string | undefined): number {
  const seconds = Number(value ?? '30');
  if (value?.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new UsageError(`--timeout ${JSON.stringify(value)}: expected seconds (0 for none)`);
  }
  return seconds * 1000;
}
