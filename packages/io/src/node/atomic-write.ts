import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that a crash at any moment leaves either the old file or the new one, complete,
 * never a torn mix: the bytes go to a temporary file in the same directory (a rename is atomic only
 * within one file system), which is flushed to the disk (fsync) BEFORE it is renamed over the target,
 * and then the directory is flushed so the rename itself survives a power cut. A crash before the
 * rename leaves a stray `.name.*.tmp` beside the untouched target, never a partial target.
 */

let counter = 0;

/** A temp name no other writer in this process or another one picks: pid, a counter, the time. */
export function tempPathFor(path: string): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter}.${Date.now().toString(36)}.tmp`);
}

export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  // 'wx': fail rather than follow or clobber anything already at the temp name.
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      let written = 0;
      while (written < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
        written += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** The same, synchronously: for exit paths and callers that cannot await. */
export function writeFileAtomicSync(path: string, bytes: Uint8Array): void {
  const temp = tempPathFor(path);
  const fd = openSync(temp, 'wx', 0o644);
  try {
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // The temp file may never have been created; the original error is the one to report.
    }
    throw error;
  }
  syncDirectorySync(dirname(path));
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) cannot open or fsync a directory; the data itself is already synced.
    if (!isUnsupportedDirSync(error)) throw error;
  } finally {
    await handle?.close();
  }
}

function syncDirectorySync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    if (!isUnsupportedDirSync(error)) throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isUnsupportedDirSync(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'EBADF';
}
