// The real process around a run of the CLI: Ctrl-C and SIGTERM abort it (a second
// Ctrl-C stops at once), a closed stdout pipe ends it quietly, and the process exits
// with the run's code once stdout and stderr are flushed. Used by both entries
// (src/cli.ts and src/call-main.ts).
import { ExitCode, InterruptedError, type ExitCodeValue } from './errors.js';

export async function runAsProcess(run: (signal: AbortSignal) => Promise<ExitCodeValue>): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(ExitCode.INTERRUPTED); // a second Ctrl-C: stop now
    controller.abort(new InterruptedError());
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed pipe (e.g. `authapi call … | head -c1`) is not an error worth a stack.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  // On Node 20 the AWS SDK prints a multi-line deprecation notice whenever a client
  // is built; stderr is for our messages.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const code = await run(controller.signal);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.exitCode = code;
  // A keychain call that timed out may leave a native handle alive; once our output
  // is flushed there is nothing left to wait for.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
