'use strict';
// Lets benchmark code require `@roster/<lib>` from the build (dist/, `npm run build` first) where the process must not
// carry a TypeScript compiler, e.g. when its memory is what is measured.
const { aliasRosterLibs } = require('./roster-aliases');

aliasRosterLibs('dist/libs');
