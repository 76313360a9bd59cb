'use strict';
// Lets a benchmark require the TypeScript sources that are not in dist/ (the strict SIEM receivers of test/receivers):
// `.ts` files are compiled on load with @swc/core (already a dev dependency, used by jest), and `@roster/<lib>`
// resolves to libs/<lib>/src as in tsconfig.json.
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const alias = /^@roster\/([a-z-]+)$/.exec(request);
  const target = alias ? path.join(REPO_ROOT, 'libs', alias[1], 'src') : request;
  return resolve.call(this, target, parent, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
