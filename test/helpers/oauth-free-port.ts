// A loopback port nothing listens on (bound to 0, then released), for the callback
// URLs a test registers with the emulated app client: tests never use fixed ports.
import { createServer } from 'node:net';

export async function freeLoopbackPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
