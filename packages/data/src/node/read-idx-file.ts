/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { ValueError } from '@nabla/tensor';
import { type IdxArray, parseIdx } from '../idx.js';

/**
 * Reads a file whole, turning the file system's refusals (no such file, a directory, no
 * permission) into a ValueError that names the caller and the path instead of a bare ENOENT.
 */
export function readBytes(path: string, op: string): Uint8Array {
  try {
    const buffer = readFileSync(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : (e as Error).message;
    throw new ValueError(op, `cannot read ${path}: ${why}`);
  }
}

/** Reads an IDX file, raw or .gz, from disk: parseIdx with the path named in every error. */
export function readIdxFile(path: string): IdxArray {
  return parseIdx(readBytes(path, 'readIdxFile'), path);
}
