// Reading the SAM template the emulator runs: loadStack(path) → StackModel.
import { readFile } from 'node:fs/promises';
import { buildStackModel, type BuildOptions, type BuiltStack } from './build-model.js';
import { TemplateError } from './errors.js';

export { buildStackModel, DEFAULT_ACCOUNT_ID, DEFAULT_REGION, DEFAULT_STACK_NAME } from './build-model.js';
export type { BuildOptions, BuiltStack, StackSecrets } from './build-model.js';
export { TemplateError } from './errors.js';

/** Reads and builds the template at `opts.templatePath`. */
export async function loadStack(opts: BuildOptions): Promise<BuiltStack> {
  let text: string;
  try {
    text = await readFile(opts.templatePath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TemplateError(opts.templatePath, '', code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(err)})`);
  }
  return buildStackModel(text, opts);
}
