// Whether a process id on this host still runs: the CLI's session lock and the
// emulator's state-dir lock both break a lock only when its holder is gone. Imports
// nothing, so either side can use it without loading the other.

/** Signal 0 checks existence; EPERM means it exists but belongs to someone else. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
