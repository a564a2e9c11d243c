import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FormatError, NDArray, tensor, ValueError } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { corrupt, corruption } from './corruption.testkit.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

const sample = () => ({
  weights: new Map([
    ['0.weight', tensor([[[[0.5, -1]]]])],
    ['0.bias', tensor([0.25])],
    ['1.num_batches_tracked', tensor(3, 'int32')],
  ]),
  optimizer: new Map([['0.weight.momentum', tensor([[[[0.01, 0.02]]]])]]),
  state: { epoch: 2, iteration: 120, rng: [12345, 67890, 1, 2], history: [{ loss: 2.3, accuracy: 0.11 }] },
});

test('checkpoint round trip: weights, optimizer buffers and the JSON state come back as written', () => {
  const c = sample();
  const back = decodeCheckpoint(encodeCheckpoint(c));
  assert.deepEqual([...back.weights.keys()].sort(), [...c.weights.keys()].sort());
  for (const [k, v] of c.weights) assert.deepEqual(back.weights.get(k), v);
  assert.deepEqual(back.optimizer.get('0.weight.momentum'), c.optimizer.get('0.weight.momentum'));
  assert.deepEqual(back.state, c.state);
});

test('a checkpoint is an ordinary safetensors file: model.* and optimizer.* names, state in __metadata__', () => {
  const file = decodeSafetensors(encodeCheckpoint(sample()));
  assert.deepEqual([...file.tensors.keys()].sort(), [
    'model.0.bias',
    'model.0.weight',
    'model.1.num_batches_tracked',
    'optimizer.0.weight.momentum',
  ]);
  assert.equal(file.metadata['nabla.format'], 'checkpoint');
  assert.match(file.metadata['nabla.crc32']!, /^[0-9a-f]{8}$/);
  assert.deepEqual(JSON.parse(file.metadata['nabla.state']!), sample().state);
});

test('the same checkpoint encodes to the same bytes', () => {
  assert.deepEqual(encodeCheckpoint(sample()), encodeCheckpoint(sample()));
});

test('refuses a state JSON cannot hold exactly, naming where', () => {
  const c = sample();
  assert.throws(
    () => encodeCheckpoint({ ...c, state: { history: [{ loss: Number.NaN }] } }),
    /state.history\[0\].loss is NaN/,
  );
  assert.throws(() => encodeCheckpoint({ ...c, state: { when: new Date(0) } }), /state.when is Date/);
  assert.throws(() => encodeCheckpoint({ ...c, state: { f: undefined } }), ValueError);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => encodeCheckpoint({ ...c, state: cyclic }), /cycle/);
});

test('refuses a plain safetensors file, or one whose checksum was rewritten, as a checkpoint', () => {
  const plain = encodeSafetensors({ 'model.w': tensor([1]) });
  assert.throws(() => decodeCheckpoint(plain, 'w.safetensors'), /w.safetensors: .*not a Nabla checkpoint/);
  const bytes = encodeCheckpoint(sample());
  const at = bytes.indexOf(0x22, 8 + '{"__metadata__":{"nabla.crc32":'.length) + 1; // first digit
  const forged = bytes.slice();
  forged[at] = forged[at] === 0x30 ? 0x31 : 0x30;
  assert.throws(() => decodeCheckpoint(forged, 'ck'), /ck: checkpoint is corrupted: checksum/);
});

const drawnCheckpoint = fc.record({
  weights: fc.uniqueArray(
    fc.tuple(
      fc.string({ minLength: 1, maxLength: 5 }),
      fc.array(fc.float({ noNaN: true }), { minLength: 1, maxLength: 6 }),
    ),
    { selector: ([n]) => n, minLength: 1, maxLength: 4 },
  ),
  epoch: fc.nat(100),
  history: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 4 }),
});

test('every corruption of a checkpoint — header, length, data, truncation, appended bytes — is refused', () => {
  fc.assert(
    fc.property(drawnCheckpoint, corruption, ({ weights, epoch, history }, c) => {
      const bytes = encodeCheckpoint({
        weights: new Map(weights.map(([n, v]) => [n, new NDArray(Float32Array.from(v), [v.length])])),
        optimizer: new Map([['step', tensor([epoch], 'int32')]]),
        state: { epoch, history },
      });
      const bad = corrupt(bytes, c);
      if (bad === undefined) return;
      assert.throws(
        () => decodeCheckpoint(bad, 'run/checkpoint.safetensors'),
        (e: unknown) => e instanceof FormatError && e.message.startsWith('run/checkpoint.safetensors: '),
        `${c.kind} was not refused`,
      );
    }),
    { numRuns: 1500 },
  );
});
