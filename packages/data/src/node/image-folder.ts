import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ValueError } from '@nabla/tensor';
import {
  type ImageDatastore,
  type ImageDatastoreOptions,
  type ImageSource,
  imagesFromBytes,
} from '../image-datastore.js';
import { imageHeader } from '../image-decode.js';

/** The picture files read (case-insensitive); other files in a class folder are ignored, as in Matlab. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

/**
 * Matlab's imageDatastore(dir, 'IncludeSubfolders', true, 'LabelSource', 'foldernames'): every
 * sub-folder of `dir` is a class (named after the folder, in sorted order) and holds its PNG and
 * JPEG pictures. An empty class folder is refused by name (or left out with onBadFile 'skip');
 * each picture's header is checked before it is decoded.
 */
export function imageDatastore(dir: string, options: ImageDatastoreOptions): ImageDatastore {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (e) {
    throw new ValueError('imageDatastore', `cannot read the folder ${dir}: ${(e as Error).message}`);
  }
  const folders = entries.filter((e) => !e.startsWith('.') && statSync(join(dir, e)).isDirectory());
  if (folders.length === 0)
    throw new ValueError(
      'imageDatastore',
      `${dir} has no class folders (one sub-folder of pictures per class)`,
    );
  const classes: string[] = [];
  const sources: ImageSource[] = [];
  const emptyFolders: string[] = [];
  for (const folder of folders) {
    const path = join(dir, folder);
    const files = readdirSync(path)
      .filter((f) => IMAGE_EXTENSIONS.includes(extname(f).toLowerCase()) && statSync(join(path, f)).isFile())
      .sort();
    if (files.length === 0) {
      if (options.onBadFile === 'skip') {
        emptyFolders.push(path);
        continue;
      }
      throw new ValueError('imageDatastore', `the class folder ${path} holds no PNG or JPEG pictures`);
    }
    const label = classes.length;
    classes.push(folder);
    for (const f of files) {
      const file = join(path, f);
      const bytes = readFileSync(file);
      sources.push({ file, label, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    }
  }
  if (classes.length === 0) throw new ValueError('imageDatastore', `${dir}: every class folder is empty`);
  // Headers first: a picture over the size limit is refused before any is decoded.
  if (options.onBadFile !== 'skip') for (const s of sources) imageHeader(s.bytes, s.file);
  const ds = imagesFromBytes(sources, classes, options);
  for (const path of emptyFolders) ds.skipped.push({ file: path, reason: 'an empty class folder' });
  return ds;
}
