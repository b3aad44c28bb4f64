#!/usr/bin/env node
// Tiny launcher. CommonJS (see bin/package.json): an ESM entry alone costs ~9 ms of
// start-up. It loads the CLI bundles in dist/ through src/launch's V8 code cache.
'use strict';
require('../dist/launch.cjs').launch(require('node:path').join(__dirname, '..', 'dist'));
