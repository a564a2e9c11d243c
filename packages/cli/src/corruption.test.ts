import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { encodeIdx } from '@nabla/data';
import { mlp } from '@nabla/models';
import { NDArray, Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { loadDigits } from './digits.js';
import { loadModel, saveModel } from './model-files.js';
import { mnistSlice, tempDir } from './testing/fixtures.js';
import { isUserError } from './user-error.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

// What the CLI does with a damaged file: either it refuses it with an error the CLI reports as
// one line and exit code 2 (isUserError), or — where only data bytes changed — it loads the
// changed data. Never a crash (a TypeError, a RangeError) and never an unexplained load.

const dir = tempDir('nabla-corrupt-');
after(() => rmSync(dir, { recursive: true, force: true }));

/** A few byte edits (position as a fraction of the file, new value), and an optional new length. */
const edits = fc.record({
  // Positions in millionths of the file, unbiased, so they spread over all of it (fast-check
  // otherwise favours small values, and its doubles cluster near 0).
  changes: fc.array(
    fc.tuple(fc.noBias(fc.integer({ min: 0, max: 999_999 })), fc.integer({ min: 0, max: 255 })),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
  // A quarter of the cases also cut or extend the file.
  cut: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 3 },
    { arbitrary: fc.integer({ min: -40, max: 8 }), weight: 1 },
  ),
  headerBias: fc.boolean(),
});
type Edits = { changes: [number, number][]; cut: number | undefined; headerBias: boolean };

function corrupt(bytes: Uint8Array, e: Edits, headerBytes: number) {
  const out = Uint8Array.from(bytes);
  for (const [at, value] of e.changes) {
    // Half the cases aim at the header, where a small file's few bytes would otherwise rarely be hit.
    out[Math.floor((at / 1e6) * (e.headerBias ? headerBytes : out.length))] = value;
  }
  const changed = [...out.keys()].filter((i) => out[i] !== bytes[i]);
  let result = out;
  if (e.cut !== undefined && e.cut !== 0) {
    result =
      e.cut < 0
        ? out.subarray(0, Math.max(0, out.length + e.cut))
        : Uint8Array.from([...out, ...new Uint8Array(e.cut)]);
  }
  return { bytes: result, changed, resized: result.length !== bytes.length };
}

test('corrupted IDX files are refused clearly, or load with exactly the changed pixels and labels', () => {
  const pair = mnistSlice(100, 12);
  const files = { images: encodeIdx(pair.images), labels: encodeIdx(pair.labels) };
  const headers = { images: 16, labels: 8 };
  const outcomes = { refused: 0, loaded: 0 };
  fc.assert(
    fc.property(fc.constantFrom('images' as const, 'labels' as const), edits, (which, e: Edits) => {
      const { bytes, changed, resized } = corrupt(files[which], e, headers[which]);
      const paths = { trainImages: join(dir, 'images'), trainLabels: join(dir, 'labels') };
      writeFileSync(paths.trainImages, which === 'images' ? bytes : files.images);
      writeFileSync(paths.trainLabels, which === 'labels' ? bytes : files.labels);
      let loaded: ReturnType<typeof loadDigits>;
      try {
        loaded = loadDigits(paths, 'train');
      } catch (error) {
        assert.ok(
          isUserError(error),
          `a clear refusal, not ${(error as Error)?.name}: ${(error as Error)?.message}`,
        );
        outcomes.refused++;
        return;
      }
      outcomes.loaded++;
      assert.ok(!resized, 'a file of the wrong length is never loaded');
      assert.ok(
        changed.every((i) => i >= headers[which]),
        'a changed header is never loaded',
      );
      // Only data changed: what loaded is the changed bytes, pixel for pixel, label for label.
      if (which === 'images') {
        const data = loaded.images.data;
        for (let i = 0; i < data.length; i++) assert.equal(data[i], Math.fround(bytes[16 + i]! / 255));
      } else assert.deepEqual(Array.from(loaded.labels), Array.from(bytes.subarray(8)));
    }),
    { numRuns: 150 },
  );
  assert.ok(
    outcomes.refused > 10 && outcomes.loaded > 10,
    `both outcomes were exercised: ${JSON.stringify(outcomes)}`,
  );
});

test('corrupted model.safetensors files are refused clearly, or load with exactly the changed weights', async () => {
  const net = mlp([784, 3, 10], { generator: new Random(4), normalization: 'zerocenter' });
  net.fitNormalization(
    new NDArray(
      Float32Array.from({ length: 2 * 784 }, (_, i) => (i % 13) / 13),
      [2, 784],
    ),
  );
  const modelDir = join(dir, 'model');
  await saveModel(modelDir, 'mlp', net);
  const original = readFileSync(join(modelDir, 'model.safetensors'));
  const headerBytes = 8 + Number(original.readBigUInt64LE(0));
  const outcomes = { refused: 0, loaded: 0 };
  await fc.assert(
    fc.asyncProperty(edits, async (e: Edits) => {
      const { bytes, changed, resized } = corrupt(original, e, headerBytes);
      writeFileSync(join(modelDir, 'model.safetensors'), bytes);
      let loaded: Awaited<ReturnType<typeof loadModel>>;
      try {
        loaded = await loadModel(modelDir);
      } catch (error) {
        assert.ok(
          isUserError(error),
          `a clear refusal, not ${(error as Error)?.name}: ${(error as Error)?.message}`,
        );
        outcomes.refused++;
        return;
      }
      outcomes.loaded++;
      assert.ok(!resized, 'a file of the wrong length is never loaded');
      if (changed.every((i) => i >= headerBytes)) {
        // Only data changed: the network holds the file's bytes, whatever they now say.
        const got = new Uint8Array(bytes.length - headerBytes);
        let offset = 0;
        const state = [...loaded.net.stateDict()];
        // The writer orders tensors by dtype and then name; every tensor here is float32.
        state.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        for (const [, t] of state) {
          const raw = new Uint8Array(Float32Array.from(t.contiguous().data).buffer);
          got.set(raw, offset);
          offset += raw.length;
        }
        assert.equal(offset, got.length);
        assert.ok(
          Buffer.from(got).equals(Buffer.from(bytes.subarray(headerBytes))),
          'the loaded weights are the bytes in the file',
        );
      }
    }),
    { numRuns: 100 },
  );
  assert.ok(
    outcomes.refused > 10 && outcomes.loaded > 10,
    `both outcomes were exercised: ${JSON.stringify(outcomes)}`,
  );
});
