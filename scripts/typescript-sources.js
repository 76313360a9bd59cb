'use strict';
// Runs the TypeScript sources without a build, compiled on load by @swc/core with the options jest uses
// (test/jest.config.js): for benchmarks that load libraries from source, and for worker threads started by code
// that itself runs from source (PgliteDatabase under jest). A development aid: @swc/core is a dev dependency.
const fs = require('node:fs');

const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};

/** From now on, `require` of a `.ts` file compiles it. */
const registerTypeScript = () => {
  if (require.extensions['.ts']) return;
  const { transformSync } = require('@swc/core');
  require.extensions['.ts'] = (module, filename) => {
    const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...SWC_OPTIONS, filename });
    module._compile(code, filename);
  };
};

module.exports = { SWC_OPTIONS, registerTypeScript };
