// A word of a command line we suggest, quoted for a POSIX shell when it needs it, so
// that a suggestion copied as printed runs (`--profile 'my team'`, not `--profile my team`).
const PLAIN = /^[A-Za-z0-9_./:=@%+,-]+$/;

export function shellArg(word: string): string {
  return PLAIN.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
