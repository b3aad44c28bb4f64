// jose (JWT signing and verification for the emulator's tokens, authorizers and
// federation), loaded the first time one of them needs it. jose is ESM-only: a dynamic
// import keeps the CommonJS emulator bundle loadable on Node versions without
// require(esm) (engines allow 20.18.1), and `authapi local` starts without it.
let josePromise: Promise<typeof import('jose')> | undefined;

export const jose = (): Promise<typeof import('jose')> => (josePromise ??= import('jose'));
