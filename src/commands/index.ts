// The ordered list of commands. Each module is small and imports nothing heavy at
// load time, so building the program for `--help` stays cheap.
import type { CommandSpec } from './spec.js';
import { configureCommand } from './configure.js';
import { statusCommand } from './status.js';
import { loginCommand } from './login.js';
import { logoutCommand } from './logout.js';
import { callCommand } from './call.js';
import { batchCommand } from './batch.js';
import { credentialsCommand } from './credentials.js';
import { completionCommandFor } from './completion.js';
import { localCommand } from './local.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const COMMANDS: CommandSpec<any>[] = [
  configureCommand,
  loginCommand,
  logoutCommand,
  statusCommand,
  callCommand,
  batchCommand,
  credentialsCommand,
  completionCommandFor(() => COMMANDS),
  localCommand,
];
