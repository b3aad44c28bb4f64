import { describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { agentRequest, pingAgent } from '../../../src/auth/agent/client.js';
import { tempDir } from '../../helpers/cli.js';

describe.skipIf(process.platform === 'win32')('credentials agent client (Unix sockets: skipped on Windows, where the agent is off)', () => {
  it('no agent: undefined at once, whatever the timeout, and nothing thrown', async () => {
    const dir = join(tempDir(), 'authapi');
    const t0 = performance.now();
    expect(await pingAgent(join(dir, 'agent.sock'), { timeoutMs: 10_000 })).toBeUndefined(); // no directory
    mkdirSync(dir, { mode: 0o700 });
    expect(await agentRequest(join(dir, 'agent.sock'), { op: 'get', key: 'k' }, { timeoutMs: 10_000 })).toBeUndefined(); // no socket
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it('an agent that accepts but never answers is given up on after the timeout', async () => {
    const dir = join(tempDir(), 'authapi');
    mkdirSync(dir, { mode: 0o700 });
    const path = join(dir, 'agent.sock');
    const held: import('node:net').Socket[] = [];
    const mute = createServer((s) => held.push(s)); // never answers
    await new Promise<void>((r) => mute.listen(path, r));
    const debug: string[] = [];
    try {
      expect(await agentRequest(path, { op: 'ping' }, { timeoutMs: 30, debug: (l) => debug.push(l) })).toBeUndefined();
      expect(debug).toEqual(['credentials agent not used: no answer within 30 ms']);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((r) => mute.close(r));
    }
  });

  it('a garbled answer is "no agent", not an error', async () => {
    const dir = join(tempDir(), 'authapi');
    mkdirSync(dir, { mode: 0o700 });
    const path = join(dir, 'agent.sock');
    const liar = createServer((s) => s.resume().end('{"not":"a response"}\n'));
    await new Promise<void>((r) => liar.listen(path, r));
    try {
      expect(await agentRequest(path, { op: 'ping' })).toBeUndefined();
    } finally {
      await new Promise((r) => liar.close(r));
    }
  });
});
