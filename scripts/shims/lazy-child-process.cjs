// Stands in for node:child_process inside the bundled commander (scripts/build.mjs):
// the real module is loaded on first property access, i.e. never in authapi.
'use strict';
let real;
module.exports = new Proxy({}, {
  get(_target, key) {
    real ??= require('node:child_process');
    return real[key];
  },
});
