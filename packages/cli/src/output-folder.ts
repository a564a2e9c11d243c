import { constants } from 'node:fs';
import { access, mkdir, open, readdir, stat, statfs, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserError } from './user-error.js';

/**
 * File systems that hold no files of ours: the kernel's views (/proc, /sys, …). Writing a run
 * there fails late or hangs, so such a folder is refused up front. (tmpfs is a real file system.)
 * Magic numbers from linux/magic.h.
 */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
  [0x42494e4d, 'binfmt_misc'],
]);

/** The temporary name writeFileAtomic uses: `.name.<pid>.<counter>.<time>.tmp`. */
const TEMP_NAME = /^\..+\.(\d+)\.\d+\.[0-9a-z]+\.tmp$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes sure a run can write into `dir` before any data is loaded or any training starts:
 * refuses a path where a file stands (at `dir` or above it), a folder on a pseudo file system
 * (/proc, /sys), and one nobody lets us write (checked by writing and removing a probe file);
 * creates the folder; and removes the temporary files a dead process left there when a write was
 * cut short (`.checkpoint.safetensors.<pid>.….tmp`). Returns the absolute path.
 */
export async function prepareOutputFolder(dir: string, flag: string): Promise<string> {
  const path = resolve(dir);
  let existing = path;
  for (;;) {
    const s = await stat(existing).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      if (e.code === 'ENOTDIR') return 'file-above' as const;
      throw new UserError(`${flag} ${dir}: cannot use ${existing}: ${e.message}`);
    });
    if (s === 'file-above') {
      existing = dirname(existing);
      continue;
    }
    if (s === null) {
      const up = dirname(existing);
      if (up === existing) throw new UserError(`${flag} ${dir}: no existing folder above it`);
      existing = up;
      continue;
    }
    if (!s.isDirectory())
      throw new UserError(`${flag} ${dir}: ${existing} is a file, not a folder; choose another ${flag}`);
    break;
  }
  const fs = await statfs(existing).catch(() => null);
  const pseudo = fs ? PSEUDO_FILE_SYSTEMS.get(Number(fs.type)) : undefined;
  if (pseudo)
    throw new UserError(
      `${flag} ${dir}: ${existing} is on the ${pseudo} pseudo file system, which holds no files`,
    );
  try {
    await access(existing, constants.W_OK | constants.X_OK);
  } catch {
    throw new UserError(`${flag} ${dir}: no permission to write in ${existing}`);
  }
  try {
    await mkdir(path, { recursive: true });
    const probe = join(path, `.nabla-probe.${process.pid}.0.0.tmp`);
    const handle = await open(probe, 'wx');
    await handle.close();
    await unlink(probe);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'no permission to write there'
        : code === 'EROFS'
          ? 'the file system is read-only'
          : code === 'ENOSPC'
            ? 'the disk is full'
            : (e as Error).message;
    throw new UserError(`${flag} ${dir}: cannot write: ${why}`);
  }
  await removeStaleTemps(path);
  return path;
}

/** Removes `.*.<pid>.….tmp` files of processes that no longer run; returns their names. */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const m = TEMP_NAME.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    await unlink(join(dir, name)).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}
