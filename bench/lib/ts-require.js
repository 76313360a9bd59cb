'use strict';
// Lets a benchmark require the TypeScript sources that are not in dist/ (the strict SIEM receivers of test/receivers):
// `.ts` files are compiled on load with @swc/core (already a dev dependency, used by jest), and `@roster/<lib>`
// resolves to libs/<lib>/src as in tsconfig.json.
const fs = require('node:fs');
const { transformSync } = require('@swc/core');
const { aliasRosterLibs } = require('./roster-aliases');

aliasRosterLibs('libs');
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
