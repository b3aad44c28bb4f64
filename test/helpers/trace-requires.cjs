// Preloaded with `node --require` to list every module the CLI asks for, on stderr.
const Module = require('node:module');
const original = Module._load;
Module._load = function (request, parent, isMain) {
  if (process.env.AUTHAPI_TRACE_REQUIRES) process.stderr.write(`require: ${request}\n`);
  return original.call(this, request, parent, isMain);
};
