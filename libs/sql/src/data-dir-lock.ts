import { promises as fs } from 'fs';
import * as path from 'path';
import { RosterError } from '@roster/errors';

/** Lock files this process holds: a second open of the same folder in this process is refused too. */
const heldHere = new Set<string>();

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const inUse = (file: string, pid: number): RosterError =>
  new RosterError(
    'unavailable',
    'data_dir_in_use',
    `The embedded database is in use by process ${pid} (lock file ${file}). Two processes on one data folder ` +
      `would each write their own copy of it: stop the other one, or delete the lock file if no such process ` +
      `runs Roster.`,
  );

/**
 * One process at a time per embedded data folder. PGlite takes no lock of its own: a second process opens the same
 * files happily, and the two then overwrite each other's pages. The lock is a file holding the owner's pid, created
 * exclusively; a lock left by a process that is gone (a crash, a kill -9) is taken over. A pid equal to ours that
 * this process does not hold is a previous life (a container's entrypoint is pid 1 on every start), so stale too.
 */
export class DataDirLock {
  private released = false;

  private constructor(private readonly file: string) {}

  static async acquire(file: string): Promise<DataDirLock> {
    if (heldHere.has(file)) throw inUse(file, process.pid);
    await fs.mkdir(path.dirname(file), { recursive: true });
    for (let attempt = 1; ; attempt++) {
      try {
        await fs.writeFile(file, `${process.pid}\n`, { flag: 'wx' });
        heldHere.add(file);
        return new DataDirLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number.parseInt(await fs.readFile(file, 'utf8').catch(() => ''), 10);
      const stale = !Number.isInteger(holder) || holder <= 0 || holder === process.pid || !isAlive(holder);
      // A second attempt that finds the file again lost a race with another process taking over the same stale lock.
      if (!stale || attempt === 2) throw inUse(file, holder);
      await fs.rm(file, { force: true });
    }
  }

  /** Once: a later holder of the same file (this process, opened again) keeps its lock. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.file);
    await fs.rm(this.file, { force: true });
  }
}
