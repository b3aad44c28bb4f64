// The options every command takes, as data: src/cli.ts gives them to commander and
// src/commands/call-args.ts reads them without it.
import type { OptionSpec } from './spec.js';

export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { flags: '-p, --profile <name>', description: 'profile to use (default: $AUTHAPI_PROFILE or "default")' },
  { flags: '-v, --verbose', description: 'trace requests on stderr (secrets redacted) and show stack traces of bugs' },
  { flags: '--no-color', description: 'no ANSI colours (NO_COLOR=1 works too)' },
  { flags: '--insecure-storage', description: 'allow a plaintext 0600 file for secrets when no OS keychain is usable (AUTHAPI_STORE=file works too)' },
];
