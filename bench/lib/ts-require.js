'use strict';
// Lets a benchmark require the TypeScript sources that are not in dist/ (the strict SIEM receivers of test/receivers):
// `.ts` files are compiled on load (../../scripts/typescript-sources.js), and `@roster/<lib>` resolves to
// libs/<lib>/src as in tsconfig.json.
const { registerTypeScript } = require('../../scripts/typescript-sources');
const { aliasRosterLibs } = require('./roster-aliases');

registerTypeScript();
aliasRosterLibs('libs');
