// Runs in every test file's worker: the temporary directories a file made go when it
// ends (each file's own afterAll hooks, which stop servers and agents, run first).
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/cli.js';

afterAll(() => removeTempDirs());
