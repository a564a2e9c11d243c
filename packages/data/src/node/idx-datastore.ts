/// <reference types="node" />
import { closeSync, readSync } from 'node:fs';
import { FormatError, NDArray, ValueError } from '@nabla/tensor';
import type { Batch, Dataset } from '../dataset.js';
import { isGzip } from '../gunzip.js';
import { formatDims, type IdxLayout, idxElementsToHost, readIdxLayout } from '../idx.js';
import { openRegularFile, readFully } from './read-idx-file.js';

/** Options of {@link IdxDatastore}. */
export interface IdxDatastoreOptions {
  /** Examples per `read()` (Matlab's ReadSize; the mini-batch size); 128 by default. */
  readSize?: number;
  /**
   * Each value is multiplied by this as it becomes float32 (1/255 maps uint8 pixels to [0, 1], as
   * Keras's Rescaling layer); 1 by default.
   */
  scale?: number;
  /** Labels must be below this (10 for digits); by default any label >= 0 is accepted. */
  numClasses?: number;
}

/** One IDX file held open: its descriptor, path and layout. */
interface OpenIdx {
  fd: number;
  path: string;
  layout: IdxLayout;
  /** Bytes of one example (the product of the dimensions after the first, × element size). */
  rowBytes: number;
}

/** The largest IDX header: 4 bytes + 4 per dimension, rank ≤ 255. */
const MAX_HEADER_BYTES = 4 + 4 * 255;

/**
 * Labelled examples read from an images IDX file and a labels IDX file (MNIST's format) a batch at
 * a time, from open file handles: only the headers are read when it opens, so memory stays the
 * size of a batch however large the files are — the course's "no need to load the whole dataset".
 *
 * Two ways to read it, one per vocabulary:
 * - Matlab's datastore: `read()` returns the next `readSize` examples in file order (the last read
 *   of a pass may be smaller), `hasData()` says whether any are left, `reset()` starts over;
 *   `for (const batch of ds)` runs through the rest of the pass.
 * - PyTorch's map-style Dataset: `gather(indices)` reads the examples at any indices, so
 *   `new DataLoader(ds, { batchSize, shuffle: true })` draws shuffled mini-batches straight from
 *   disk (the loader keeps one permutation of the indices, 4 bytes per example, not the data).
 *
 * Images become float32 (× `scale`), labels Int32Array. Refuses, with a FormatError naming the
 * file, a gzip-compressed file (it cannot be read at an offset: gunzip it first, or load it whole
 * with readIdxFile), a bad header, and a file whose size is not what its header declares; with a
 * ValueError, image and label files whose counts differ, a labels file that is not a rank-1
 * integer array, labels out of range (checked as they are read), a bad readSize or scale, an
 * index out of range and any read after `close()`.
 */
export class IdxDatastore implements Dataset, Iterable<Batch> {
  /** The number of examples. */
  readonly length: number;
  /** The shape of one example (the images' dimensions after the first, e.g. [28, 28]). */
  readonly sampleShape: readonly number[];
  /** Examples per `read()`. */
  readonly readSize: number;
  /** The factor applied to every value as it becomes float32. */
  readonly scale: number;
  /** Labels must be below this, when given. */
  readonly numClasses: number | undefined;
  /** The images file. */
  readonly imagesPath: string;
  /** The labels file. */
  readonly labelsPath: string;
  private images: OpenIdx | null;
  private labels: OpenIdx | null;
  private position = 0;
  private scratch: Uint8Array;
  private read_ = 0;

  constructor(imagesPath: string, labelsPath: string, options: IdxDatastoreOptions = {}) {
    const readSize = options.readSize ?? 128;
    if (!Number.isInteger(readSize) || readSize < 1) {
      throw new ValueError('IdxDatastore', `readSize must be an integer >= 1, got ${readSize}`);
    }
    const scale = options.scale ?? 1;
    if (!Number.isFinite(scale)) throw new ValueError('IdxDatastore', `scale must be finite, got ${scale}`);
    const numClasses = options.numClasses;
    if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1)) {
      throw new ValueError('IdxDatastore', `numClasses must be an integer >= 1, got ${numClasses}`);
    }
    this.readSize = readSize;
    this.scale = scale;
    this.numClasses = numClasses;
    this.imagesPath = imagesPath;
    this.labelsPath = labelsPath;
    this.images = openIdx(imagesPath);
    try {
      this.labels = openIdx(labelsPath);
    } catch (e) {
      closeSync(this.images.fd);
      throw e;
    }
    const imageShape = this.images.layout.shape;
    const labelLayout = this.labels.layout;
    const fail = (why: string): never => {
      this.close();
      throw new ValueError('IdxDatastore', why);
    };
    if (labelLayout.shape.length !== 1 || !INTEGER_TYPES.has(labelLayout.dtype)) {
      fail(
        `${labelsPath} must hold one integer label per example (a rank-1 integer IDX array), got ${formatDims(labelLayout.shape)} ${labelLayout.dtype}`,
      );
    }
    if (imageShape[0] !== labelLayout.shape[0]) {
      fail(`${imageShape[0]} examples in ${imagesPath} but ${labelLayout.shape[0]} labels in ${labelsPath}`);
    }
    if (imageShape[0] === 0) fail(`${imagesPath} holds no examples`);
    this.length = imageShape[0]!;
    this.sampleShape = imageShape.slice(1);
    this.scratch = new Uint8Array(readSize * Math.max(this.images.rowBytes, this.labels.rowBytes));
  }

  /** Bytes of examples and labels read from the two files so far (the headers read at open not counted). */
  get bytesRead(): number {
    return this.read_;
  }

  /** Whether a `read()` is left in this pass over the files. */
  hasData(): boolean {
    this.open();
    return this.position < this.length;
  }

  /** Starts the next pass at the first example. */
  reset(): void {
    this.open();
    this.position = 0;
  }

  /**
   * The next `readSize` examples in file order (fewer at the end of the pass), read from disk now.
   * Throws a ValueError when the pass has no data left (check `hasData()`, then `reset()`).
   */
  // #region read
  read(): Batch {
    this.open();
    if (this.position >= this.length) {
      throw new ValueError(
        'IdxDatastore.read',
        `no data left: all ${this.length} examples were read; call reset() to read them again`,
      );
    }
    const start = this.position;
    const count = Math.min(this.readSize, this.length - start);
    const indices = new Int32Array(count);
    for (let k = 0; k < count; k++) indices[k] = start + k;
    const x = this.readImages(start, count);
    const y = this.readLabels([start], count, start);
    this.position += count;
    return { x, y, indices };
  }
  // #endregion read

  /** The rest of this pass, one `read()` per step. */
  *[Symbol.iterator](): Iterator<Batch> {
    while (this.hasData()) yield this.read();
  }

  /**
   * The examples at `indices` (any order, repeats allowed), each read from its place in the files:
   * what a DataLoader calls to draw a shuffled mini-batch.
   */
  gather(indices: Int32Array): {
    /** The examples, stacked: [indices.length, ...sampleShape], float32. */
    x: NDArray;
    /** Their labels. */
    y: Int32Array;
  } {
    this.open();
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.length) {
        throw new ValueError('IdxDatastore.gather', `index ${i} is out of range [0, ${this.length})`);
      }
    }
    const images = this.images!;
    const per = images.rowBytes / images.layout.elementBytes;
    const x = new Float32Array(indices.length * per);
    // One batch-sized scratch buffer is reused: gathering more than readSize rows goes in chunks.
    for (let from = 0; from < indices.length; from += this.readSize) {
      const chunk = indices.subarray(from, Math.min(from + this.readSize, indices.length));
      for (let k = 0; k < chunk.length; k++) {
        this.readAt(
          images,
          chunk[k]!,
          1,
          this.scratch.subarray(k * images.rowBytes, (k + 1) * images.rowBytes),
        );
      }
      this.convert(images, this.scratch.subarray(0, chunk.length * images.rowBytes), x, from * per);
    }
    const y = this.readLabels(indices, 1);
    return { x: new NDArray(x, [indices.length, ...this.sampleShape]), y };
  }

  /** Closes both files; any later read throws. Closing twice is harmless. */
  close(): void {
    for (const file of [this.images, this.labels]) if (file) closeSync(file.fd);
    this.images = null;
    this.labels = null;
  }

  private open(): void {
    if (!this.images || !this.labels) {
      throw new ValueError('IdxDatastore', `${this.imagesPath} and ${this.labelsPath} were closed`);
    }
  }

  private readImages(start: number, count: number): NDArray {
    const images = this.images!;
    const raw = this.scratch.subarray(0, count * images.rowBytes);
    this.readAt(images, start, count, raw);
    const x = new Float32Array((count * images.rowBytes) / images.layout.elementBytes);
    this.convert(images, raw, x, 0);
    return new NDArray(x, [count, ...this.sampleShape]);
  }

  /** Raw big-endian elements → float32 × scale, written into `out` from `offset`. */
  private convert(file: OpenIdx, raw: Uint8Array, out: Float32Array, offset: number): void {
    const values = file.layout.dtype === 'uint8' ? raw : idxElementsToHost(raw, file.layout.dtype);
    const scale = this.scale;
    for (let k = 0; k < values.length; k++) out[offset + k] = values[k]! * scale;
  }

  /**
   * Labels: with `count` > 1, the `count` labels from `starts[0]`; with `count` 1, the label of
   * each index in `starts`. Checked against numClasses as they are read.
   */
  private readLabels(starts: ArrayLike<number>, count: number, first = 0): Int32Array {
    const labels = this.labels!;
    const n = count > 1 ? count : starts.length;
    const y = new Int32Array(n);
    for (let from = 0; from < n; from += this.readSize) {
      const chunk = Math.min(this.readSize, n - from);
      const raw = this.scratch.subarray(0, chunk * labels.rowBytes);
      if (count > 1) this.readAt(labels, starts[0]! + from, chunk, raw);
      else {
        for (let k = 0; k < chunk; k++) {
          this.readAt(
            labels,
            starts[from + k]!,
            1,
            raw.subarray(k * labels.rowBytes, (k + 1) * labels.rowBytes),
          );
        }
      }
      const values = labels.layout.dtype === 'uint8' ? raw : idxElementsToHost(raw, labels.layout.dtype);
      for (let k = 0; k < chunk; k++) {
        const label = values[k]!;
        const index = count > 1 ? first + from + k : starts[from + k]!;
        if (label < 0 || (this.numClasses !== undefined && label >= this.numClasses)) {
          const range = this.numClasses === undefined ? '>= 0' : `in [0, ${this.numClasses - 1}]`;
          throw new ValueError(
            'IdxDatastore',
            `label of example ${index} in ${labels.path} is ${label}, expected ${range}`,
          );
        }
        y[from + k] = label;
      }
    }
    return y;
  }

  /** Reads `count` whole examples from example `row` on into `out` (exactly its length). */
  private readAt(file: OpenIdx, row: number, count: number, out: Uint8Array): void {
    const position = file.layout.headerBytes + row * file.rowBytes;
    let filled = 0;
    while (filled < out.length) {
      const n = readSync(file.fd, out, filled, out.length - filled, position + filled);
      if (n === 0) {
        throw new ValueError(
          'IdxDatastore',
          `cannot read ${file.path}: the file shrank while being read (examples ${row}–${row + count - 1})`,
        );
      }
      filled += n;
    }
    this.read_ += out.length;
  }
}

const INTEGER_TYPES = new Set(['uint8', 'int8', 'int16', 'int32']);

/**
 * Opens an IDX file for reading at offsets: only its header is read. The file system's refusals
 * become ValueErrors naming the path; what is not a regular file is refused before any read.
 */
function openIdx(path: string): OpenIdx {
  const file = openRegularFile(path, 'IdxDatastore');
  const { fd, size } = file;
  try {
    const prefix = readFully(file, new Uint8Array(Math.min(MAX_HEADER_BYTES, size)));
    if (isGzip(prefix)) {
      throw new FormatError(
        path,
        'a gzip-compressed IDX file cannot be read in batches at offsets: gunzip it first, or load it whole with readIdxFile',
      );
    }
    if (prefix.length < 4)
      throw new FormatError(
        path,
        `not a valid IDX file: truncated: the header needs at least 4 bytes, got ${prefix.length}`,
      );
    const layout = readIdxLayout(prefix, path);
    if (!layout) {
      throw new FormatError(
        path,
        `not a valid IDX file: truncated header: rank ${prefix[3]} needs ${4 + 4 * prefix[3]!} header bytes, got ${size}`,
      );
    }
    if (size !== layout.totalBytes) {
      const count = layout.shape.reduce((a, b) => a * b, 1);
      throw new FormatError(
        path,
        `not a valid IDX file: ${size < layout.totalBytes ? 'truncated' : 'too long'}: ${formatDims(layout.shape)} ${layout.dtype} needs ${layout.totalBytes} bytes (${layout.headerBytes} header + ${count} × ${layout.elementBytes}), got ${size}`,
      );
    }
    const rowBytes = layout.shape.slice(1).reduce((a, b) => a * b, 1) * layout.elementBytes;
    return { fd, path, layout, rowBytes };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
