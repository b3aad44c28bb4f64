// BROWSER for the real-browser test of `authapi login --browser`: Debian's chromium,
// driven by playwright-core (no browser download), with JavaScript OFF and only the
// keyboard — the emulator's sign-in pages must work that way. It signs in as
// OAUTH_CHROMIUM_USER / _PASSWORD, answers a new-password page (_NEW_PASSWORD) and a
// TOTP page (_TOTP_SECRET, base32: the code of the next 30 s step, since the set-up
// code of the current one was already used), then reads authapi's result page.
// Each page it saw goes to OAUTH_CHROMIUM_LOG as a JSON line; {"done":true} last.
import { createHmac } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const url = process.argv[2];
const env = process.env;
const log = (entry) => appendFileSync(env.OAUTH_CHROMIUM_LOG, `${JSON.stringify(entry)}\n`);

function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function totp(secret, atMs) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

let browser;
try {
  browser = await chromium.launch({ executablePath: env.OAUTH_CHROMIUM_PATH || '/usr/bin/chromium', headless: true });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(url);
  for (let step = 0; step < 6; step++) {
    const title = await page.title();
    const alert = (await page.locator('#error').count()) > 0 ? await page.locator('#error').textContent() : null;
    log({ title, url: page.url().replace(/([?&](code|state|code_challenge|nonce)=)[^&]+/g, '$1…'), ...(alert ? { alert } : {}) });
    if (page.url().startsWith('http://127.0.0.1') && (await page.locator('#result').count()) > 0) {
      log({ result: await page.locator('#result').textContent(), message: await page.locator('#message').textContent() });
      break;
    }
    // Keyboard only: the first field has focus (autofocus works without JavaScript).
    // "Sign in" is the pool's page; "<Provider> sign-in" the stand-in OIDC provider's (same two fields).
    if (title === 'Sign in' || title.endsWith(' sign-in')) {
      await page.keyboard.type(env.OAUTH_CHROMIUM_USER);
      await page.keyboard.press('Tab');
      await page.keyboard.type(env.OAUTH_CHROMIUM_PASSWORD);
    } else if (title === 'Change password') {
      await page.keyboard.type(env.OAUTH_CHROMIUM_NEW_PASSWORD);
      await page.keyboard.press('Tab');
      await page.keyboard.type(env.OAUTH_CHROMIUM_NEW_PASSWORD);
    } else if (title === 'Verify') {
      await page.keyboard.type(totp(env.OAUTH_CHROMIUM_TOTP_SECRET, Date.now() + 30_000));
    } else {
      log({ unexpected: await page.content() });
      break;
    }
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  }
} catch (err) {
  log({ error: String(err?.stack ?? err) });
} finally {
  await browser?.close().catch(() => {});
  log({ done: true });
}
