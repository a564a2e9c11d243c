import { readFile } from 'node:fs/promises';
import { imagesFromBytes } from '@nabla/data';
import type { Network } from '@nabla/models';
import type { NDArray } from '@nabla/tensor';
import { UserError } from './user-error.js';

/**
 * A photo (PNG or JPEG) as one network input [C, H, W]: decoded, converted to the network's
 * channel count (gray ↔ RGB), resized bilinearly, pixels 0 … 255 as Matlab's imread gives them —
 * the network's own input layer then subtracts its mean, as for the training images.
 */
export async function photoToInput(file: string, net: Network): Promise<NDArray> {
  const [c, h, w] = net.inputShape as [number, number, number];
  if (net.inputShape.length !== 3)
    throw new UserError(`the network takes ${net.inputShape.length}-D examples, not images`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  // One image through the datastore's own path, so classify sees exactly what training saw.
  for (const color of ['none', c === 3 ? 'gray2rgb' : 'rgb2gray'] as const) {
    try {
      const ds = imagesFromBytes([{ file, label: 0, bytes }], ['photo'], {
        outputSize: [h, w, c],
        colorPreprocessing: color,
      });
      return ds.images.reshape([c, h, w]);
    } catch (e) {
      if (color !== 'none' || !/channel/.test((e as Error).message)) throw e;
    }
  }
  throw new UserError(`${file}: cannot be made a ${c}-channel image`);
}

/** Class names from a labels file: one per line (blank lines ignored), as the ImageNet synset lists. */
export async function readLabels(file: string, count: number): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read the labels file ${file}: ${(e as Error).message}`);
  }
  const names = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (names.length !== count)
    throw new UserError(
      `${file}: ${names.length} class names for a network with ${count} classes (one name per line)`,
    );
  return names;
}
