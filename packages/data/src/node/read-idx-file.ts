/// <reference types="node" />
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { ValueError } from '@nabla/tensor';
import { MAX_GUNZIP_BYTES } from '../gunzip.js';
import { type IdxArray, type ParseIdxOptions, parseIdx } from '../idx.js';

/**
 * Reads a file whole, turning the file system's refusals (no such file, a directory, no
 * permission) into a ValueError that names the caller and the path instead of a bare ENOENT.
 * Before reading a byte it refuses what is not a regular file (a device such as /dev/zero, a FIFO,
 * a socket: each could be endless or block for ever) and a file larger than `maxBytes`.
 */
export function readBytes(path: string, op: string, maxBytes = MAX_GUNZIP_BYTES): Uint8Array {
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
    if (stat.size > maxBytes) fail(`${stat.size} bytes is more than the limit of ${maxBytes}`);
    const out = new Uint8Array(stat.size);
    let filled = 0;
    while (filled < out.length) {
      const n = readSync(fd, out, filled, out.length - filled, filled);
      if (n === 0) fail('the file shrank while being read');
      filled += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** Reads an IDX file, raw or .gz, from disk: parseIdx with the path named in every error. */
export function readIdxFile(path: string, options: ParseIdxOptions = {}): IdxArray {
  return parseIdx(readBytes(path, 'readIdxFile', options.maxBytes), path, options);
}
