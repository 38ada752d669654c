import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface DirectoryLock {
  release(): void;
}

/** Thrown when another live process holds the embedded data folder. */
export class DirectoryLockedError extends Error {
  constructor(
    readonly directory: string,
    readonly holderPid: number,
  ) {
    super(
      `The embedded database in ${directory} is in use by another MediSys process (pid ${holderPid}). ` +
        'Stop that process first, or give this one its own data.dir.',
    );
    this.name = 'DirectoryLockedError';
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(lockFile: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10);
  } catch {
    return undefined;
  }
}

/**
 * An exclusive lock on a folder: a file holding the owner's pid, created with O_EXCL. A lock left
 * by a process that died (kill -9, power loss) is taken over, so a crash never blocks the next start.
 */
export function acquireDirectoryLock(directory: string): DirectoryLock {
  const lockFile = path.join(directory, 'medisys.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const descriptor = openSync(lockFile, 'wx', 0o600);
      writeSync(descriptor, `${process.pid}\n`);
      closeSync(descriptor);
      let released = false;
      return {
        release(): void {
          if (released) return;
          released = true;
          if (readHolder(lockFile) === process.pid) rmSync(lockFile, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(lockFile);
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
        throw new DirectoryLockedError(directory, holder);
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${directory}; remove ${lockFile} if no MediSys process is running.`);
}
