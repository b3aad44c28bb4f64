// The agent process (dist/agent.cjs), started detached by an authapi command that had
// to open the keychain. Its stdin is a pipe from that command carrying where to listen
// and the first entries (AgentStart, JSON: credentials and tokens) — never a file, argv or the environment, so
// the credentials appear nowhere but in the two processes' memory. Exits when idle
// (server.ts), on SIGTERM/SIGINT, or at once when another agent already serves the path.
import { parseStart } from './protocol.js';
import { startAgentServer } from './server.js';

const MAX_START_BYTES = 1 << 20;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_START_BYTES) throw new Error('start message too long');
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  process.title = 'authapi-agent';
  process.chdir('/'); // hold no directory (a test's temp dir, an unmounted volume) busy
  const start = parseStart(await readStdin());
  const server = await startAgentServer({ socketPath: start.socketPath, initial: start.entries, initialTokens: start.tokens });
  if (!server) return; // another agent answers on this path: it keeps serving
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => void server.close('signal'));
  await server.closed;
}

main().then(
  () => process.exit(0),
  () => process.exit(1), // nowhere to report to: stdout and stderr are closed
);
