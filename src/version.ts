// Replaced at build time (scripts/build.mjs); in tests the sources run unbundled.
declare const __AUTHAPI_VERSION__: string | undefined;
export const VERSION: string = typeof __AUTHAPI_VERSION__ === 'string' ? __AUTHAPI_VERSION__ : '0.0.0-dev';
