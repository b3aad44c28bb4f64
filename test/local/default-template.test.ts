import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { defaultTemplatePath } from '../../src/local/default-template.js';
import { tempDir } from '../helpers/cli.js';

test('finds the package template from the sources, from dist, and not from elsewhere', () => {
  const expected = resolve('infra/template.yaml');
  expect(defaultTemplatePath()).toBe(expected);
  expect(defaultTemplatePath([resolve('src/local')])).toBe(expected);
  expect(defaultTemplatePath([resolve('dist')])).toBe(expected);
  // A directory holding infra/template.yaml but no package.json is not a package root.
  const other = tempDir();
  mkdirSync(join(other, 'infra'));
  writeFileSync(join(other, 'infra', 'template.yaml'), '');
  expect(defaultTemplatePath([join(other, 'x'), resolve('src')])).toBe(expected);
  expect(defaultTemplatePath([join(other, 'x')])).toBe(join(other, 'x', 'infra', 'template.yaml'));
});
