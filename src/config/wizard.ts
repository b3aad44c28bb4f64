// The interactive `authapi configure`: one prompt per field, current values as
// defaults, each answer validated as typed. Loaded only when a person is at a TTY,
// so scripts never pay for the prompt library. Prompts go to stderr.
import type { Context } from '../context.js';
import { FLAG_FOR, REQUIRED_KEYS, checkValue, type Profile, type RequiredKey } from './profile.js';

const LABELS: Record<RequiredKey, string> = {
  region: 'AWS region',
  userPoolId: 'User Pool id',
  userPoolClientId: 'User Pool app client id',
  identityPoolId: 'Identity Pool id',
  apiUrl: 'API stage URL',
  apiKey: 'API key',
};

export async function promptProfile(ctx: Context, current: Partial<Profile>): Promise<Partial<Profile>> {
  const { input, password } = await import('@inquirer/prompts');
  const context = { input: ctx.io.stdin, output: ctx.io.stderr, signal: ctx.signal };
  ctx.io.info(`Configuring profile "${ctx.profileName}" (${ctx.configPath}). Enter keeps the value in [brackets].`);
  const next: Partial<Profile> = { ...current };
  for (const key of REQUIRED_KEYS) {
    const validate = (v: string) => checkValue(key, v) ?? true;
    if (key === 'apiKey') {
      const answer = await password(
        { message: `${LABELS[key]}${current.apiKey ? ' (Enter keeps the current one)' : ''}:`, mask: false,
          validate: (v) => (v === '' && current.apiKey ? true : validate(v)) },
        context,
      );
      if (answer !== '') next.apiKey = answer;
    } else {
      next[key] = (await input({ message: `${LABELS[key]} (${FLAG_FOR[key]}):`, default: current[key], validate }, context)).trim();
    }
  }
  return next;
}
