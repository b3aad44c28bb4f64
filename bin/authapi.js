#!/usr/bin/env node
// Tiny launcher: the CLI is one CommonJS bundle (scripts/build.mjs), which starts
// faster than a tree of ESM modules. process.getBuiltinModule avoids the cost of
// an ESM `import` graph here (Node >= 20.16).
const { createRequire } = process.getBuiltinModule('node:module');
createRequire(import.meta.url)('../dist/cli.cjs').main();
