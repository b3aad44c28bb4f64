import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, tempDir } from '../helpers/cli.js';
import { TmuxSession, hasTmux } from '../helpers/tmux.js';

// The wizard needs a real terminal; tmux gives it one. CI installs tmux, so there the
// test never skips; elsewhere it skips, saying why.
const tmuxMissing = !hasTmux() && !process.env.CI;
if (tmuxMissing) process.stderr.write('configure-wizard.test: skipping — tmux is not installed (apt-get install tmux; CI installs it)\n');

describe.skipIf(tmuxMissing)('e2e: configure wizard in a real terminal (tmux)', () => {
  let session: TmuxSession | undefined;
  afterEach(() => session?.kill());

  it('prompts for each field on stderr, re-asks on invalid input, masks the API key, saves 0600', async () => {
    const dir = tempDir();
    session = new TmuxSession(`${process.execPath} ${BIN} configure --profile wiz 2>&1`, { AUTHAPI_CONFIG_DIR: dir, XDG_CACHE_HOME: join(dir, 'cache'), NO_COLOR: '1' });
    const answer = async (prompt: string, text: string) => {
      await session!.waitFor(prompt);
      session!.type(text);
      session!.key('Enter');
    };
    await answer('AWS region (--region):', 'mars');
    await session.waitFor('expected an AWS region such as us-east-1');
    session.key('C-u');
    session.type('us-west-2');
    session.key('Enter');
    await answer('User Pool id (--user-pool-id):', 'us-west-2_Abc123');
    await answer('User Pool app client id (--client-id):', 'clientid123');
    await answer('Identity Pool id (--identity-pool-id):', 'us-west-2:11111111-2222-3333-4444-555555555555');
    await answer('API stage URL (--api-url):', 'https://x1.execute-api.us-west-2.amazonaws.com/dev');
    await answer('API key:', 'keykeykeykeykeykeykey1234');
    const screen = await session.waitFor('[exit ');
    expect(screen).toContain('[exit 0]');
    expect(screen).toContain('Saved profile "wiz"');
    expect(screen).not.toContain('keykeykeykey');
    const file = join(dir, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).profiles.wiz).toMatchObject({
      region: 'us-west-2', userPoolId: 'us-west-2_Abc123', userPoolClientId: 'clientid123', apiKey: 'keykeykeykeykeykeykey1234',
    });
  });
});
