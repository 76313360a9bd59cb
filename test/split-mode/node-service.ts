import { ChildProcess, execFileSync, spawn } from 'child_process';
import { readdirSync, statSync } from 'fs';
import * as path from 'path';

/** The repository root: the services run from here, as `npm run start:*` would. */
export const REPO_ROOT = path.resolve(__dirname, '../..');

export const DIST = {
  allInOne: path.join(REPO_ROOT, 'dist/apps/all-in-one/src/main.js'),
  registry: path.join(REPO_ROOT, 'dist/apps/registry/src/main.js'),
  projector: path.join(REPO_ROOT, 'dist/apps/projector/src/main.js'),
  rebuild: path.join(REPO_ROOT, 'dist/apps/projector/src/rebuild.js'),
  logExporter: path.join(REPO_ROOT, 'dist/apps/log-exporter/src/main.js'),
} as const;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const newestSourceMtime = (dir: string): number => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') newest = Math.max(newest, newestSourceMtime(full));
    } else if (entry.name.endsWith('.ts')) {
      newest = Math.max(newest, statSync(full).mtimeMs);
    }
  }
  return newest;
};

/**
 * The suites run the compiled services, so a missing or stale `dist` is rebuilt first (CI builds before testing,
 * a developer may not have).
 */
export const ensureFreshBuild = (): void => {
  const built = statSync(DIST.registry, { throwIfNoEntry: false })?.mtimeMs;
  const newest = Math.max(...['apps', 'libs'].map((dir) => newestSourceMtime(path.join(REPO_ROOT, dir))));
  if (built !== undefined && built >= newest) return;
  try {
    execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'pipe', timeout: 300_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`npm run build failed:\n${stdout?.toString() ?? ''}\n${stderr?.toString() ?? ''}`);
  }
};

/** Only what a service needs from the parent: no NODE_OPTIONS, DATABASE_URL or KAFKA_BROKERS of the test run leak in. */
const childEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  NO_COLOR: '1',
  ...env,
});

/** One service of split mode as its own OS process, with its output kept for failure messages. */
export class NodeService {
  private child?: ChildProcess;
  private exited?: Promise<ExitStatus>;
  private output = '';

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: Record<string, string>,
    readonly port: number,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const child = spawn(process.execPath, [this.script], {
      cwd: REPO_ROOT,
      env: childEnv(this.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.record(`--- ${this.name} started (pid ${child.pid}) ---\n`);
    child.stdout!.on('data', (chunk: Buffer) => this.record(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => this.record(chunk.toString()));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        this.record(`--- ${this.name} exited (code ${code}, signal ${signal}) ---\n`);
        resolve({ code, signal });
      }),
    );
    this.child = child;
  }

  /** Polls GET /health/ready until 200; fails at once if the process exits meanwhile. */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited before it was ready\n${this.logs()}`);
      try {
        const response = await fetch(`http://127.0.0.1:${this.port}/health/ready`, {
          signal: AbortSignal.timeout(2000),
        });
        last = `${response.status} ${await response.text()}`;
        if (response.status === 200) return;
      } catch (error) {
        last = String(error);
      }
      await sleep(100);
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms (last: ${last})\n${this.logs()}`);
  }

  /** Sends `signal` and waits for the exit; a process that ignores it is killed after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<ExitStatus> {
    if (!this.child || !this.exited) throw new Error(`${this.name} was never started`);
    if (this.running) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }).then(() => {
      this.record(`--- ${this.name} ignored ${signal} for ${timeoutMs} ms: SIGKILL ---\n`);
      this.child?.kill('SIGKILL');
      return this.exited!;
    });
    try {
      return await Promise.race([this.exited, forced]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The tail of everything the process wrote, for failure messages. */
  logs(maxChars = 12_000): string {
    const text = this.output.length > maxChars ? `...${this.output.slice(-maxChars)}` : this.output;
    return `===== ${this.name} output =====\n${text}`;
  }

  private record(text: string): void {
    this.output += text;
  }
}

/** Runs a script to completion (a command-line tool, or a service expected to refuse to start). */
export const runToExit = (
  script: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ExitStatus & { stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd: REPO_ROOT, env: childEnv(env), stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(script)} did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    // 'close', not 'exit': the output pipes are drained by then.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
