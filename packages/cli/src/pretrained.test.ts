import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { INTEROP_DIR, runPython } from '@nabla/io/node';
import { importOnnx } from '@nabla/onnx';
import { Random } from '@nabla/tensor';
import { encode as encodeJpeg } from 'jpeg-js';
import { decode as decodePng, encode as encodePng } from 'fast-png';
import { runNabla, tempDir } from './testing/fixtures.js';

/**
 * The course's pretrained-AlexNet workflow from the command line, as docs/pretrained.md walks it:
 * an AlexNet with the ONNX zoo's exact structure and op set, built and saved by PyTorch (no
 * pretrained file can be downloaded here), imported; a photo classified top-5 with class names
 * from a labels file; conv1's filters and a deepDreamImage drawn; the head replaced and a few
 * iterations finetuned, features frozen, on a folder of pictures; the result exported to ONNX.
 */

const dir = tempDir('nabla-pretrained-');
after(() => {
  if (!process.env.NABLA_KEEP_TEST_FILES) rmSync(dir, { recursive: true, force: true });
});

/** Two classes of synthetic photos (a coloured disc on a background), PNG and JPEG, several sizes. */
function writePhotos(root: string): void {
  const g = new Random(1);
  for (const [name, rgb] of [
    ['daisy', [230, 220, 60]],
    ['tulip', [200, 40, 60]],
  ] as const) {
    mkdirSync(join(root, name), { recursive: true });
    for (let k = 0; k < 6; k++) {
      const w = 120 + 20 * k;
      const h = 100 + 10 * k;
      const data = new Uint8Array(w * h * 4);
      for (let i = 0; i < w * h; i++) {
        const inside = ((i % w) - w / 2) ** 2 + (Math.floor(i / w) - h / 2) ** 2 < (Math.min(w, h) / 3) ** 2;
        for (let c = 0; c < 3; c++)
          data[4 * i + c] = Math.max(0, Math.min(255, (inside ? rgb[c]! : 60 + 40 * c) + g.normal(0, 20)));
        data[4 * i + 3] = 255;
      }
      if (k % 2 === 0)
        writeFileSync(
          join(root, name, `${name}${k}.jpg`),
          encodeJpeg({ width: w, height: h, data }, 90).data,
        );
      else {
        writeFileSync(
          join(root, name, `${name}${k}.png`),
          encodePng({ width: w, height: h, data: Uint8Array.from(data), channels: 4, depth: 8 }),
        );
      }
    }
  }
}

test('import the zoo AlexNet, classify a photo top-5, visualize, finetune on a folder of pictures (frozen features), export', async () => {
  const made = await runPython(
    [
      join(INTEROP_DIR, 'onnx_export.py'),
      '--model',
      'alexnet-zoo',
      '--out',
      join(dir, 'torch'),
      '--seed',
      '15',
    ],
    {
      env: { NABLA_TORCH_THREADS: '1' },
    },
  );
  assert.equal(made.code, 0, made.stderr);
  const onnxFile = join(dir, 'bvlcalexnet.onnx');
  copyFileSync(join(dir, 'torch', 'model.onnx'), onnxFile);
  const labels = join(dir, 'synset_words.txt');
  writeFileSync(
    labels,
    Array.from({ length: 1000 }, (_, i) => `n${String(i).padStart(8, '0')} class ${i}`).join('\n'),
  );
  const photos = join(dir, 'photos');
  writePhotos(photos);

  const model = join(dir, 'alexnet');
  // The zoo file takes BGR with Caffe's means subtracted outside the network: --bgr and --mean.
  const imported = await runNabla([
    'import',
    onnxFile,
    ...['--out', model, '--labels', labels, '--mean', '104,117,123', '--bgr'],
  ]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /Total learnables: 60,965,224/);
  assert.match(imported.stdout, /256 5×5 convolutions in 2 groups/);
  assert.match(imported.stdout, /227×227×3 images with 'zerocenter' normalization/);

  const classified = await runNabla([
    'classify',
    join(photos, 'daisy', 'daisy0.jpg'),
    '--model',
    model,
    '--json',
  ]);
  assert.equal(classified.code, 0, classified.stderr);
  const [result] = JSON.parse(classified.stdout) as { top: { label: string; probability: number }[] }[];
  assert.equal(result!.top.length, 5);
  assert.match(result!.top[0]!.label, /^n\d{8} class \d+$/);
  const p = result!.top.map((t) => t.probability);
  assert.ok(p.every((v, i) => i === 0 || v <= p[i - 1]!));

  const vis = join(dir, 'vis');
  const visualized = await runNabla([
    'visualize',
    ...['--model', model, '--out', vis, '--image', join(photos, 'tulip', 'tulip1.png'), '--no-activations'],
    ...['--dream', '/features/features.0/Conv', '--channels', '0-1', '--iterations', '1', '--levels', '1'],
  ]);
  assert.equal(visualized.code, 0, visualized.stderr);
  assert.equal(decodePng(readFileSync(join(vis, 'filters.png'))).width > 0, true);

  const tuned = join(dir, 'finetuned');
  const finetuned = await runNabla([
    'finetune',
    ...['--from', model, '--images', photos, '--out', tuned, '--freeze', '--augment'],
    ...['--epochs', '1', '--batch-size', '4', '--lr', '0.001', '--seed', '2'],
  ]);
  assert.equal(finetuned.code, 0, finetuned.stderr);
  assert.match(finetuned.stdout, /12 pictures in 2 classes \(daisy 6, tulip 6\)/);
  assert.match(finetuned.stdout, /→ 2 classes, 8 training pictures, pretrained layers frozen/);
  assert.match(finetuned.stdout, /trained 2 iterations .* accuracy on the 4 held-out pictures: \d+\.\d\d%/);
  const again = await runNabla(['classify', join(photos, 'tulip', 'tulip3.png'), '--model', tuned]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /1\. (daisy|tulip) \(probability/);

  const out = join(dir, 'finetuned.onnx');
  const exported = await runNabla(['export', '--onnx', out, '--model', tuned]);
  assert.equal(exported.code, 0, exported.stderr);
  const back = importOnnx(readFileSync(out));
  assert.deepEqual(back.classes, ['daisy', 'tulip']);

  // A file that is not ONNX is refused with exit code 2 and one line.
  const bad = await runNabla(['import', labels, '--out', join(dir, 'bad')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^nabla: importOnnx: not an ONNX model/);
});

test('train lenet --images and evaluate --images on a folder of pictures; a bad picture is refused by name or skipped', async () => {
  const photos = join(dir, 'photos2');
  writePhotos(photos);
  const run = join(dir, 'lenet-images');
  const trained = await runNabla([
    'train',
    'lenet',
    ...['--images', photos, '--epochs', '2', '--batch-size', '4', '--augment', '--seed', '1', '--out', run],
  ]);
  assert.equal(trained.code, 0, trained.stderr);
  assert.match(trained.stdout, /12 pictures in 2 classes \(daisy 6, tulip 6\)/);
  assert.match(trained.stdout, /accuracy on the 4 held-out pictures: \d+\.\d\d%/);
  const evaluated = await runNabla(['evaluate', '--model', run, '--images', photos]);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  assert.match(evaluated.stdout, /accuracy on .*photos2: \d+\.\d\d% \(12 pictures\)/);
  assert.match(evaluated.stdout, /true\\pred\s+daisy\s+tulip/);

  writeFileSync(join(photos, 'tulip', 'broken.jpg'), new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 2]));
  const refused = await runNabla(['evaluate', '--model', run, '--images', photos]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /tulip\/broken\.jpg: a JPEG without a frame header/);
  const skipped = await runNabla(['evaluate', '--model', run, '--images', photos, '--skip-bad']);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.match(skipped.stdout, /12 pictures in 2 classes \(daisy 6, tulip 6\), 1 skipped/);
});
