// Loading a dependency only on the path that needs it. In the CommonJS bundle
// (dist/cli.cjs) `require` exists and takes the package's CommonJS entry directly;
// `import()` there would route a CommonJS package through the ESM loader
// (format detection, cjs-module-lexer over its source: ~10–20 ms for the AWS SDK
// client or the keyring addon). Under vitest (ESM sources) it falls back to import().
export async function loadModule<T>(id: string): Promise<T> {
  if (typeof require === 'function') return require(id) as T;
  return (await import(id)) as T;
}
