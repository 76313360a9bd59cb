import { spawnSync } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PgliteDatabase } from './pglite-database';

/** The pid of a process that has exited (ran `node -e ''` to its end). */
const deadPid = (): number => {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
};

describe('an embedded data folder is opened by one process at a time', () => {
  let root: string;
  let dir: string;
  const lockFile = () => `${dir}.lock`;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'roster-lock-'));
    dir = path.join(root, 'pglite');
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('refuses a second open while the first is open, and allows it once that one is closed', async () => {
    const first = await PgliteDatabase.open(dir);
    await first.query('CREATE TABLE kept (n int)');
    await first.query('INSERT INTO kept VALUES (1)');
    expect(await fs.readFile(lockFile(), 'utf8')).toBe(`${process.pid}\n`);
    await expect(PgliteDatabase.open(dir)).rejects.toMatchObject({ code: 'data_dir_in_use', kind: 'unavailable' });
    await first.close();
    await expect(fs.stat(lockFile())).rejects.toMatchObject({ code: 'ENOENT' });

    const second = await PgliteDatabase.open(dir);
    expect((await second.query<{ n: number }>('SELECT n FROM kept')).rows).toEqual([{ n: 1 }]);
    await second.close();
  });

  it('opens a folder whose parent does not exist yet', async () => {
    dir = path.join(root, 'not', 'yet', 'pglite');
    const db = await PgliteDatabase.open(dir);
    expect(await fs.readFile(lockFile(), 'utf8')).toBe(`${process.pid}\n`);
    await db.close();
  });

  it('refuses a folder locked by another live process, naming it', async () => {
    await fs.writeFile(lockFile(), `${process.ppid}\n`);
    await expect(PgliteDatabase.open(dir)).rejects.toThrow(`in use by process ${process.ppid}`);
    // Refusing left the other process's lock alone.
    expect(await fs.readFile(lockFile(), 'utf8')).toBe(`${process.ppid}\n`);
  });

  it.each([
    ['a process that is gone (a crash)', () => String(deadPid())],
    ['this pid, not held here (a container restarted as pid 1)', () => String(process.pid)],
    ['no pid at all', () => ''],
  ])('takes over a lock left by %s', async (_, content) => {
    await fs.writeFile(lockFile(), content());
    const db = await PgliteDatabase.open(dir);
    expect(await fs.readFile(lockFile(), 'utf8')).toBe(`${process.pid}\n`);
    await db.close();
  });

  it('a closed database does not release the lock of the one opened after it', async () => {
    const first = await PgliteDatabase.open(dir);
    await first.close();
    const second = await PgliteDatabase.open(dir);
    await first.close().catch(() => undefined);
    await expect(PgliteDatabase.open(dir)).rejects.toMatchObject({ code: 'data_dir_in_use' });
    await second.close();
  });
});
