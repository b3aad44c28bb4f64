// A real browser against the emulator: Debian's Chromium, driven by playwright-core
// (no browser download), loads a page from an origin of its own; in the page
// amazon-cognito-identity-js signs in with SRP, the Identity Pool hands out
// credentials, and a SigV4-signed fetch calls `require-auth` — all cross-origin, so
// every step depends on the emulator's CORS answers. The page script is bundled for
// the browser with esbuild. CI installs chromium (.ci/run); elsewhere the test is
// skipped, saying why, when there is no Chromium.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../../src/local/index.js';
import { corsTemplate } from '../helpers/template.js';
import type { FlowConfig, FlowResult } from './page.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const missing = CHROMIUM === undefined ? 'no Chromium at /usr/bin/chromium (apt-get install chromium; CI installs it)' : undefined;
if (missing && process.env.CI) throw new Error(`browser test: ${missing}`);

describe.skipIf(missing !== undefined)(`a web page in Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let stack: LocalStack;
  let page: Server;
  let pageUrl: string;
  let browser: import('playwright-core').Browser;

  beforeAll(async () => {
    stack = await startLocal({ templatePath: corsTemplate(), users: [{ username: 'webuser', password: 'WebUser123' }] });
    const bundle = await build({
      entryPoints: [join(import.meta.dirname, 'page.ts')], bundle: true, platform: 'browser', format: 'iife', write: false,
      target: 'chrome120', logLevel: 'silent', define: { global: 'globalThis' },
    });
    const script = bundle.outputFiles[0]!.text;
    page = createServer((req, res) => {
      if (req.url === '/app.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript' });
        res.end(script);
      } else {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<!doctype html><title>app</title><script src="/app.js"></script>');
      }
    });
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    // localhost, not 127.0.0.1: the page's origin differs from the emulator's by host too.
    pageUrl = `http://localhost:${(page.address() as AddressInfo).port}/`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => (page ? page.close(() => r()) : r()));
    await stack?.close();
  });

  test('signs in with amazon-cognito-identity-js, gets credentials and calls require-auth', { timeout: 120_000 }, async () => {
    const tab = await browser.newPage();
    const failures: string[] = [];
    tab.on('console', (m) => {
      if (m.type() === 'error') failures.push(m.text());
    });
    await tab.goto(pageUrl);
    const cfg: FlowConfig = {
      region: stack.info.region,
      userPoolId: stack.info.userPoolId,
      clientId: stack.info.userPoolClientId,
      identityPoolId: stack.info.identityPoolId,
      cognitoEndpoint: stack.info.endpoints.cognitoIdp,
      apiUrl: stack.info.apiUrl,
      apiKey: stack.info.apiKey,
      username: 'webuser',
      password: 'WebUser123',
    };
    const result = await tab.evaluate((c) => (globalThis as unknown as { runFlow(c: FlowConfig): Promise<FlowResult> }).runFlow(c), cfg);
    expect(result.wrongPassword).toBe('NotAuthorizedException: Incorrect username or password.');
    expect(result.idTokenParts).toBe(3);
    expect(result.identityId).toMatch(/^us-east-1:/);
    expect(result.requireAuth).toEqual({ status: 200, body: JSON.stringify({ message: "You're past the velvet rope!" }) });
    // API Gateway's own refusal reaches the page because DEFAULT_4XX adds the CORS header.
    expect(result.unsigned).toEqual({ status: 403, body: '{"message":"Missing Authentication Token"}', errorType: null });
    expect(failures.filter((f) => /CORS|Access-Control/.test(f))).toEqual([]);
  });

  test('without the template\'s CORS the browser is refused the API (the emulator does not add what AWS would not)', { timeout: 120_000 }, async () => {
    const plain = await startLocal({ users: [{ username: 'webuser', password: 'WebUser123' }] });
    try {
      const tab = await browser.newPage();
      await tab.goto(pageUrl);
      const outcome = await tab.evaluate(async (url) => fetch(url, { headers: { 'x-api-key': 'k'.repeat(40) } }).then((r) => `status ${r.status}`, (e: Error) => `blocked: ${e.message}`), `${plain.info.apiUrl}/no-auth`);
      expect(outcome).toBe('blocked: Failed to fetch');
    } finally {
      await plain.close();
    }
  });
});
