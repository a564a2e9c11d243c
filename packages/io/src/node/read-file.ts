import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { FormatError } from '@nabla/tensor';

/**
 * The largest file a loader reads whole by default: 2 GiB − 1, Node's own limit for one read
 * (AlexNet's float32 weights are 244 MB). Callers that know their format pass a smaller cap.
 */
export const MAX_LOAD_BYTES = 2 ** 31 - 1;

/** Options of {@link readFileForLoad} and {@link readFileForLoadSync}. */
export interface ReadFileOptions {
  /** Refuse a file larger than this many bytes, before reading any of it (default MAX_LOAD_BYTES). */
  maxBytes?: number;
  /** What the file is, for the size message ('model description', 'PNG image'). */
  what?: string;
}

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer for ever; on a regular
// file the flag changes nothing. fstat then refuses anything that is not a regular file (a device
// such as /dev/zero, a FIFO, a socket) before a byte is read, and the size is known up front.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function why(error: unknown): string {
  const code = (error as { code?: string }).code;
  return code === 'ENOENT'
    ? 'no such file'
    : code === 'EISDIR'
      ? 'is a directory, not a file'
      : code === 'EACCES'
        ? 'permission denied'
        : `${(error as Error).message}`;
}

function checkStat(
  path: string,
  stat: { isFile(): boolean; isDirectory(): boolean; size: number },
  options: ReadFileOptions,
): number {
  if (stat.isDirectory()) throw new FormatError(path, 'cannot read: is a directory, not a file');
  if (!stat.isFile())
    throw new FormatError(path, 'cannot read: not a regular file (a device, FIFO or socket is never read)');
  const max = options.maxBytes ?? MAX_LOAD_BYTES;
  if (stat.size > max) {
    throw new FormatError(
      path,
      `cannot read: ${stat.size} bytes is more than the ${max} bytes a ${options.what ?? 'file of this kind'} may have`,
    );
  }
  return stat.size;
}

/**
 * Reads a whole file for a loader: refuses one that is not a regular file or is larger than
 * `maxBytes` before reading, and turns the file system's errors into one clear FormatError that
 * names the path (`weights.safetensors: cannot read: no such file`), so a CLI can print one line.
 */
export async function readFileForLoad(path: string, options: ReadFileOptions = {}): Promise<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    throw new FormatError(path, `cannot read: ${why(error)}`);
  }
  try {
    const size = checkStat(path, await handle.stat(), options);
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(out, filled, size - filled, filled);
      if (bytesRead === 0) throw new FormatError(path, `cannot read: the file shrank while being read`);
      filled += bytesRead;
    }
    return out;
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new FormatError(path, `cannot read: ${why(error)}`);
  } finally {
    await handle.close();
  }
}

/** The same, synchronously. */
export function readFileForLoadSync(path: string, options: ReadFileOptions = {}): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    throw new FormatError(path, `cannot read: ${why(error)}`);
  }
  try {
    const size = checkStat(path, fstatSync(fd), options);
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const n = readSync(fd, out, filled, size - filled, filled);
      if (n === 0) throw new FormatError(path, `cannot read: the file shrank while being read`);
      filled += n;
    }
    return out;
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new FormatError(path, `cannot read: ${why(error)}`);
  } finally {
    closeSync(fd);
  }
}
