import { readFile } from 'node:fs/promises';
import { FormatError } from '@nabla/tensor';

/**
 * Reads a whole file for a loader, turning the file system's errors into one clear FormatError that
 * names the path (`weights.safetensors: cannot read: no such file`), so a CLI can print one line.
 */
export async function readFileForLoad(path: string): Promise<Uint8Array> {
  try {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : `${(error as Error).message}`;
    throw new FormatError(path, `cannot read: ${why}`);
  }
}
