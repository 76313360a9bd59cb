'use strict';
// A build of an earlier commit, to measure a change against the code without it in the same run on the same machine
// (e.g. the token endpoint before log events existed). The commit is checked out as a detached git worktree in the
// temp folder, shares this checkout's node_modules, is built once, and is reused by later runs.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { log } = require('./report');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

const git = (...args) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();

/** @returns {string} the all-in-one entry point of `ref`'s build */
const referenceBuild = (ref) => {
  const sha = git('rev-parse', '--verify', `${ref}^{commit}`);
  const dir = path.join(os.tmpdir(), `roster-ref-${sha.slice(0, 12)}`);
  const main = path.join(dir, 'dist', 'apps', 'all-in-one', 'src', 'main.js');
  if (fs.existsSync(main)) return main;
  log(`building reference ${ref} (${sha.slice(0, 12)}) in ${dir}`);
  if (!fs.existsSync(dir)) git('worktree', 'add', '--detach', dir, sha);
  if (!fs.existsSync(path.join(dir, 'node_modules'))) {
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  }
  execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: 'inherit' });
  return main;
};

module.exports = { referenceBuild };
