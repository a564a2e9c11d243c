/// <reference types="node" />
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { ValueError } from '@nabla/tensor';
import { MAX_GUNZIP_BYTES } from '../gunzip.js';
import { type IdxArray, type ParseIdxOptions, parseIdx } from '../idx.js';

/** An open regular file: its descriptor (the caller closes it), its size, and how to refuse it. */
export interface OpenedFile {
  fd: number;
  size: number;
  /** Throws a ValueError naming the caller and the path with `why`. */
  fail(why: string): never;
}

/**
 * Opens a file for reading, turning the file system's refusals (no such file, a directory, no
 * permission) into a ValueError that names the caller and the path instead of a bare ENOENT.
 * Before a byte is read it refuses what is not a regular file (a device such as /dev/zero, a FIFO,
 * a socket: each could be endless or block for ever). The caller closes `fd`.
 */
export function openRegularFile(path: string, op: string): OpenedFile {
  const fail = (why: string): never => {
    throw new ValueError(op, `cannot read ${path}: ${why}`);
  };
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer; a regular file ignores it.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : (e as Error).message,
    );
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) fail('is a directory, not a file');
    if (!stat.isFile()) fail('not a regular file (a device, FIFO or socket is never read)');
    return { fd, size: stat.size, fail };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Fills `out` from the file's byte `position` on; a file that ends early is refused. */
export function readFully(file: OpenedFile, out: Uint8Array, position = 0): Uint8Array {
  let filled = 0;
  while (filled < out.length) {
    const n = readSync(file.fd, out, filled, out.length - filled, position + filled);
    if (n === 0) file.fail('the file shrank while being read');
    filled += n;
  }
  return out;
}

/**
 * Reads a file whole (see openRegularFile for what is refused before reading), refusing a file
 * larger than `maxBytes`.
 */
export function readBytes(path: string, op: string, maxBytes = MAX_GUNZIP_BYTES): Uint8Array {
  const file = openRegularFile(path, op);
  try {
    if (file.size > maxBytes) file.fail(`${file.size} bytes is more than the limit of ${maxBytes}`);
    return readFully(file, new Uint8Array(file.size));
  } finally {
    closeSync(file.fd);
  }
}

/** Reads an IDX file, raw or .gz, from disk: parseIdx with the path named in every error. */
export function readIdxFile(path: string, options: ParseIdxOptions = {}): IdxArray {
  return parseIdx(readBytes(path, 'readIdxFile', options.maxBytes), path, options);
}
