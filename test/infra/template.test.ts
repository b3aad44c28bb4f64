import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers/cli.js';
import { skipWithout } from '../helpers/tools.js';

const TEMPLATE = join(ROOT, 'infra', 'template.yaml');

// cfn-lint comes with a Python install (pip install cfn-lint); CI checks for it first.
const noCfnLint = skipWithout('cfn-lint', 'template.test (cfn-lint checks)', 'pip install cfn-lint');

describe('infra/template.yaml', () => {
  it.skipIf(noCfnLint)('passes cfn-lint with no errors (cfn-lint must be installed: it comes with the machine\'s Python)', () => {
    const r = spawnSync('cfn-lint', ['--format', 'parseable', TEMPLATE], { encoding: 'utf8' });
    if (r.error) throw new Error(`cfn-lint is not installed here (${r.error.message}); the template was NOT checked`);
    // cfn-lint exit codes are a bit mask: 2 = error, 4 = warning, 8 = informational.
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(noCfnLint)('cfn-lint does catch a broken template (the check above can fail)', () => {
    const broken = readFileSync(TEMPLATE, 'utf8').replace('Type: AWS::Cognito::UserPoolClient', 'Type: AWS::Cognito::UserPoolClientt');
    const file = join(tempDir('authapi-cfn-'), 'template.yaml');
    writeFileSync(file, broken);
    const r = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
    if (r.error) throw new Error(`cfn-lint is not installed here (${r.error.message})`);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/UserPoolClientt/);
  });

  it('declares the outputs `authapi configure --from-outputs` maps', async () => {
    const { OUTPUT_KEYS } = await import('../../src/config/outputs.js');
    const text = readFileSync(TEMPLATE, 'utf8');
    const outputs = text.slice(text.indexOf('\nOutputs:'));
    for (const key of [...Object.keys(OUTPUT_KEYS), 'ApiKeyId']) expect(outputs).toMatch(new RegExp(`\\n  ${key}:\\n`));
  });
});
