/**
 * The three errors every Nabla package throws. Each names the op or layer that refused the input,
 * what it expected and what it got, so a user sees `matmul: inner dimensions differ: [2,3] @ [4,5]`
 * at the call instead of a NaN or a crash deep inside a kernel.
 */

/** Formats a shape the way the messages print it: `[2,3]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** A shape that does not fit the op: wrong rank, mismatched dimensions, an axis out of range. */
export class ShapeError extends Error {
  /** 'ShapeError'. */
  override name = 'ShapeError';
  constructor(
    /** The op or layer that refused the shape. */
    readonly op: string,
    message: string,
  ) {
    super(`${op}: ${message}`);
  }
}

/** A value that does not fit the op: a negative size, a NaN, a label out of range, an unknown option. */
export class ValueError extends Error {
  /** 'ValueError'. */
  override name = 'ValueError';
  constructor(
    /** The op or layer that refused the value. */
    readonly op: string,
    message: string,
  ) {
    super(`${op}: ${message}`);
  }
}

/** A file or byte stream that is not what it claims to be: wrong magic, truncated, corrupted header. */
export class FormatError extends Error {
  /** 'FormatError'. */
  override name = 'FormatError';
  constructor(
    /** The file or stream that was refused (a path, or a description such as 'safetensors'). */
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
  }
}
