import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FormatError, zeros } from '@nabla/tensor';
import { checkStateDict, compareStateDict } from './state-dict-check.js';

const model = new Map<string, readonly number[]>([
  ['0.weight', [16, 1, 3, 3]],
  ['0.bias', [16]],
  ['12.weight', [50, 3136]],
]);

test('tensors that fit the model pass', () => {
  const loaded = new Map([...model].map(([k, s]) => [k, zeros(s)]));
  assert.doesNotThrow(() => checkStateDict(model, loaded));
  assert.deepEqual(compareStateDict(model, loaded), { missing: [], unexpected: [], misshaped: [] });
});

test('one message lists every missing, unexpected and mis-shaped name', () => {
  const loaded = new Map([
    ['0.weight', zeros([16, 1, 5, 5])],
    ['0.b', zeros([16])],
    ['12.weight', zeros([3136, 50])],
  ]);
  assert.deepEqual(compareStateDict(model, loaded), {
    missing: ['0.bias'],
    unexpected: ['0.b'],
    misshaped: [
      { name: '0.weight', expected: [16, 1, 3, 3], actual: [16, 1, 5, 5] },
      { name: '12.weight', expected: [50, 3136], actual: [3136, 50] },
    ],
  });
  assert.throws(
    () => checkStateDict(model, loaded, 'lenet.safetensors'),
    (e: unknown) =>
      e instanceof FormatError &&
      e.message ===
        'lenet.safetensors: does not fit the model: missing 0.bias; unexpected 0.b; ' +
          '0.weight is [16,1,5,5], expected [16,1,3,3]; 12.weight is [3136,50], expected [50,3136]',
  );
});

test('a rank difference is a shape mismatch, even with the same number of elements', () => {
  const loaded = new Map([
    ['0.weight', zeros([16, 9])],
    ['0.bias', zeros([16])],
    ['12.weight', zeros([50, 3136])],
  ]);
  assert.throws(() => checkStateDict(model, loaded), /0.weight is \[16,9\], expected \[16,1,3,3\]/);
});

test('checkStateDict names ten tensors of each kind at most, then counts the rest', () => {
  const model = new Map<string, number[]>([['w', [2]]]);
  const loaded = new Map<string, ReturnType<typeof zeros>>([['w', zeros([2])]]);
  for (let i = 0; i < 1000; i++) loaded.set(`extra.${i}`, zeros([1]));
  assert.throws(
    () => checkStateDict(model, loaded, 'f.safetensors'),
    (e: Error) =>
      /unexpected extra\.0, .*extra\.9, … and 990 more$/.test(e.message) && e.message.length < 300,
  );
});
