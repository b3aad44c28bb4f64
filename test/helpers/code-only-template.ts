// A variant of infra/template.yaml whose app client has no SRP flow, only the OAuth
// code flow (ExplicitAuthFlows: ALLOW_REFRESH_TOKEN_AUTH alone), optionally with
// refresh-token rotation: the pool a browser-only login meets.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './cli.js';

export function codeOnlyTemplate(opts: { rotation?: boolean } = {}): string {
  let text = readFileSync(join(ROOT, 'infra', 'template.yaml'), 'utf8');
  const flows = '      ExplicitAuthFlows:\n        - ALLOW_USER_SRP_AUTH\n        - ALLOW_REFRESH_TOKEN_AUTH\n';
  const revocation = '      EnableTokenRevocation: true\n';
  if (!text.includes(flows) || !text.includes(revocation)) throw new Error('infra/template.yaml changed: update test/helpers/code-only-template.ts');
  text = text.replace(flows, '      ExplicitAuthFlows:\n        - ALLOW_REFRESH_TOKEN_AUTH\n');
  if (opts.rotation) text = text.replace(revocation, `${revocation}      RefreshTokenRotation:\n        Feature: ENABLED\n        RetryGracePeriodSeconds: 0\n`);
  // The handlers are found relative to the template: keep them reachable.
  text = text.replaceAll('CodeUri: functions/', `CodeUri: ${join(ROOT, 'infra', 'functions')}/`);
  const file = join(tempDir('authapi-code-only-'), 'template.yaml');
  writeFileSync(file, text);
  return file;
}
