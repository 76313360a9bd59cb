'use strict';
// `@roster/<lib>` as tsconfig.json maps it, for benchmark code that runs outside the build: to the TypeScript sources
// (./ts-require) or to the compiled libraries in dist/ (./dist-require).
const Module = require('node:module');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Resolves `@roster/<lib>` to `<REPO_ROOT>/<base>/<lib>/src` from now on. */
const aliasRosterLibs = (base) => {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    const alias = /^@roster\/([a-z-]+)$/.exec(request);
    const target = alias ? path.join(REPO_ROOT, base, alias[1], 'src') : request;
    return resolve.call(this, target, parent, ...rest);
  };
};

module.exports = { aliasRosterLibs };
