// Test tiers are chosen by file suffix: *.unit.spec.ts (pure), *.int.spec.ts (one real dependency),
// *.e2e.spec.ts (whole process over HTTP).
const path = require('path');
const root = path.resolve(__dirname, '..');
const tsconfig = require('../tsconfig.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

const { SWC_OPTIONS } = require('../scripts/typescript-sources');

const transform = { '^.+\\.ts$': ['@swc/jest', SWC_OPTIONS] };

const project = (name, extra = {}) => ({
  displayName: name,
  rootDir: root,
  testMatch: [`<rootDir>/{apps,libs,test}/**/*.${name}.spec.ts`],
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  ...extra,
});

module.exports = {
  // kafkajs keeps a reconnect timer alive after a consumer that lived through a broker restart was disconnected
  // (kafka-log-source.restart.int.spec.ts: every stop and disconnect event fires, yet a socket comes back later), so
  // the run ends when the tests have ended instead of waiting on it.
  forceExit: true,
  projects: [
    project('unit'),
    project('int', {
      globalSetup: '<rootDir>/test/services.global-setup.js',
      setupFilesAfterEnv: ['<rootDir>/test/slow-tier.setup.js'],
    }),
    project('e2e', {
      globalSetup: '<rootDir>/test/services.global-setup.js',
      setupFilesAfterEnv: ['<rootDir>/test/slow-tier.setup.js'],
    }),
  ],
};
