// A valid profile, as an object (for validation tests) and as `authapi configure`
// flags (for the command's tests), shared so every test starts from the same one.
import { join } from 'node:path';
import { tempDir } from './cli.js';

/** A complete, valid profile object. */
export const VALID_PROFILE = {
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbC123',
  userPoolClientId: 'abc123',
  identityPoolId: 'eu-west-1:0f0e0d0c-0b0a-0908-0706-050403020100',
  apiUrl: 'http://127.0.0.1:4000/prod',
  apiKey: 'x'.repeat(30),
};

/** `authapi configure` flags for a complete, valid profile. */
export const VALID_CONFIGURE_FLAGS = [
  '--region', 'us-east-1',
  '--user-pool-id', 'us-east-1_AbC123xyz',
  '--client-id', '1example23456789abcdefghij',
  '--identity-pool-id', 'us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
  '--api-url', 'https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/',
  '--api-key', 'k3yk3yk3yk3yk3yk3yk3yk3yk3y0123456789abc',
];

/** An empty config dir and the environment that points authapi at it. */
export function configDirSetup() {
  const dir = tempDir();
  return { dir, env: { AUTHAPI_CONFIG_DIR: dir }, file: join(dir, 'config.json') };
}
