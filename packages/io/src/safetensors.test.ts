import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FormatError, fromTypedArray, NDArray, tensor, ValueError } from '@nabla/tensor';
import fc from 'fast-check';
import { corrupt, corruption } from './corruption.testkit.js';
import { bfloat16ToFloat32, float16ToFloat32 } from './float16.js';
import {
  compareCodePoints,
  decodeSafetensors,
  decodeSafetensorsHeader,
  encodeSafetensors,
  MAX_HEADER_BYTES,
} from './safetensors.js';
import { SAFETENSORS_DTYPES, type SafetensorsDType } from './safetensors-dtype.js';

const ascii = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));

/** A file built by hand from the spec: u64 LE length, the header text padded with spaces, the data. */
function handBuilt(header: string, data: number[] | Uint8Array = [], length?: number): Uint8Array {
  const text = ascii(header);
  const n = length ?? Math.ceil(text.length / 8) * 8;
  const out = new Uint8Array(8 + Math.max(n, text.length) + data.length).fill(0x20, 8);
  new DataView(out.buffer).setUint32(0, n, true);
  out.set(text, 8);
  out.set(data, 8 + Math.max(n, text.length));
  return out;
}
const f32bytes = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

// The reference implementation's own serialization tests (huggingface/safetensors, tensor.rs) pin
// these exact files; the lengths 64, 72, 8 and 40 are the ones its byte arrays start with.
test('byte-exact with the reference writer: one F32 tensor, header exactly 64 bytes', () => {
  const t = fromTypedArray(new Float32Array([0, 1, 2, 3, 4, 5]), [1, 2, 3]);
  const expected = handBuilt(
    '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}',
    f32bytes([0, 1, 2, 3, 4, 5]),
  );
  assert.equal(new DataView(expected.buffer).getUint32(0, true), 64);
  assert.deepEqual(encodeSafetensors({ 'attn.0': t }), expected);
});

test('byte-exact with the reference writer: padding to 8 with spaces (header 65 → 72)', () => {
  const t = fromTypedArray(new Float32Array([0, 1, 2, 3, 4, 5]), [1, 1, 2, 3]);
  const bytes = encodeSafetensors(new Map([['attn0', t]]));
  assert.equal(new DataView(bytes.buffer).getUint32(0, true), 72);
  assert.deepEqual(
    bytes,
    handBuilt(
      '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}',
      f32bytes([0, 1, 2, 3, 4, 5]),
    ),
  );
  assert.deepEqual([...bytes.subarray(8 + 65, 8 + 72)], new Array(7).fill(0x20));
});

test('byte-exact with the reference writer: no tensors, with and without metadata', () => {
  assert.deepEqual(
    encodeSafetensors({}),
    new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]),
  );
  const withMeta = encodeSafetensors({}, { framework: 'pt' });
  assert.equal(withMeta.length, 48);
  assert.deepEqual(withMeta, handBuilt('{"__metadata__":{"framework":"pt"}}'));
  assert.deepEqual(decodeSafetensors(withMeta).metadata, { framework: 'pt' });
});

test('layout as the reference: descending dtype alignment then name; metadata first, keys sorted', () => {
  const bytes = encodeSafetensors(
    {
      b: tensor([1, 2], 'int32'),
      a: tensor([1.5], 'float64'),
      c: tensor([2], 'float32'),
      bn: tensor([7], 'int32'),
      h: tensor([0.5]),
      u: tensor([3], 'int32'),
    },
    { z: '1', a: '2' },
    { dtypes: { bn: 'I64', h: 'F16', u: 'U8' } },
  );
  const n = new DataView(bytes.buffer).getUint32(0, true);
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
  assert.equal(
    header,
    '{"__metadata__":{"a":"2","z":"1"},' +
      '"bn":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},' +
      '"a":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},' +
      '"c":{"dtype":"F32","shape":[1],"data_offsets":[16,20]},' +
      '"b":{"dtype":"I32","shape":[2],"data_offsets":[20,28]},' +
      '"h":{"dtype":"F16","shape":[1],"data_offsets":[28,30]},' +
      '"u":{"dtype":"U8","shape":[1],"data_offsets":[30,31]}}',
  );
  assert.equal(n % 8, 0);
  const data = bytes.subarray(8 + n);
  assert.deepEqual([...data.subarray(0, 8)], [7, 0, 0, 0, 0, 0, 0, 0]); // I64 little-endian
  assert.deepEqual([...data.subarray(28, 31)], [0x00, 0x38, 3]); // 0.5 as binary16 is 0x3800
});

test('names sort by code point, as Rust and Python do (not by UTF-16 unit)', () => {
  // U+FF01 is one UTF-16 unit above the surrogates that encode U+1F600; by code point it is smaller.
  const a = '\uff01';
  const b = '\u{1f600}';
  assert.ok(a > b); // JS string order
  assert.ok(compareCodePoints(a, b) < 0);
  const file = decodeSafetensors(encodeSafetensors({ [b]: tensor([1]), [a]: tensor([2]) }));
  assert.deepEqual([...file.tensors.keys()], [a, b]);
});

test('reads I64 into int32 when it fits, and refuses a value beyond int32 naming the tensor', () => {
  const ok = handBuilt(
    '{"num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}',
    [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  );
  const t = decodeSafetensors(ok).tensors.get('num_batches_tracked')!;
  assert.equal(t.dtype, 'int32');
  assert.deepEqual(t.shape, []);
  assert.equal(t.data[0], -2);
  const big = handBuilt(
    '{"n":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}',
    [0, 0, 0, 0x80, 0, 0, 0, 0],
  );
  assert.throws(
    () => decodeSafetensors(big, 'bn.safetensors'),
    /bn.safetensors: tensor "n" \(I64\) element 0 is 2147483648/,
  );
});

test('reads F16 and BF16 into float32, U8/I8/I16/U16/BOOL into int32', () => {
  const bytes = handBuilt(
    '{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]},' +
      '"s":{"dtype":"I16","shape":[1],"data_offsets":[6,8]},"w":{"dtype":"U16","shape":[1],"data_offsets":[8,10]},' +
      '"u":{"dtype":"U8","shape":[1],"data_offsets":[10,11]},"i":{"dtype":"I8","shape":[1],"data_offsets":[11,12]},' +
      '"t":{"dtype":"BOOL","shape":[1],"data_offsets":[12,13]}}',
    [0x00, 0x3c, 0x00, 0xc0, 0x40, 0x40, 0xff, 0xff, 0xff, 0xff, 200, 0xff, 1],
  );
  const { tensors, dtypes } = decodeSafetensors(bytes);
  assert.deepEqual([...tensors.get('h')!.data], [1, -2]);
  assert.equal(tensors.get('h')!.dtype, 'float32');
  assert.deepEqual([...tensors.get('b')!.data], [3]);
  assert.deepEqual([...tensors.get('s')!.data], [-1]);
  assert.deepEqual([...tensors.get('w')!.data], [65535]);
  assert.deepEqual([...tensors.get('u')!.data], [200]);
  assert.deepEqual([...tensors.get('i')!.data], [-1]);
  assert.deepEqual([...tensors.get('t')!.data], [1]);
  assert.equal(dtypes.get('b'), 'BF16');
  assert.throws(
    () => decodeSafetensors(bytes.map((x, i) => (i === bytes.length - 1 ? 2 : x))),
    /BOOL\) element 0 is 2/,
  );
});

test('a strided view is written in row-major order', () => {
  const m = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]).transpose();
  const back = decodeSafetensors(encodeSafetensors({ m })).tensors.get('m')!;
  assert.deepEqual(back.shape, [3, 2]);
  assert.deepEqual([...back.data], [1, 4, 2, 5, 3, 6]);
});

test('the writer refuses what it cannot write faithfully, with a ValueError', () => {
  assert.throws(() => encodeSafetensors({ __metadata__: tensor([1]) }), ValueError);
  assert.throws(
    () => encodeSafetensors({ x: tensor([1.5]) }, undefined, { dtypes: { x: 'I32' } }),
    /element 0 is 1.5/,
  );
  assert.throws(
    () => encodeSafetensors({ x: tensor([256], 'int32') }, undefined, { dtypes: { x: 'U8' } }),
    /U8 range/,
  );
  assert.throws(
    () => encodeSafetensors({ x: tensor([1]) }, undefined, { dtypes: { y: 'F16' } }),
    /names no tensor: y/,
  );
  assert.throws(
    () => encodeSafetensors({ x: tensor([1]) }, { k: 1 as unknown as string }),
    /must be a string/,
  );
  assert.throws(() => encodeSafetensors({ '\ud800': tensor([1]) }), /not valid Unicode/);
});

// ---------------------------------------------------------------------------------------------
// Validation: every way a file can be wrong is refused with a FormatError naming the source.

const GOOD_HEADER =
  '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[1],"data_offsets":[8,12]}}';
const GOOD_DATA = [0, 0, 128, 63, 0, 0, 0, 64, 7, 0, 0, 0];

const REFUSALS: [string, Uint8Array, RegExp][] = [
  ['shorter than 8 bytes', new Uint8Array(5), /5 bytes long, too short/],
  ['header length 0', handBuilt('', [], 0), /header length 0 is too small/],
  ['header length 1', handBuilt('{', [], 1), /header length 1 is too small/],
  [
    'header length past the end',
    handBuilt('{}', [], 4096).subarray(0, 20),
    /header length 4096 runs past the end/,
  ],
  [
    'header length over the limit',
    handBuilt('{}', [], MAX_HEADER_BYTES + 1).subarray(0, 16),
    /exceeds the limit/,
  ],
  [
    'header length ≥ 2^32',
    (() => {
      const b = handBuilt('{}');
      b[4] = 1;
      return b;
    })(),
    /header length 4294967304 exceeds/,
  ],
  ['invalid UTF-8', handBuilt('{"\xff":1}'), /not valid UTF-8/],
  ['not an object', handBuilt('[1,2]'), /must start with '\{'/],
  ['leading space', handBuilt(' {}'), /must start with '\{'/],
  ['invalid JSON', handBuilt('{"a":}'), /header JSON expected a value/],
  ['repeated name', handBuilt(GOOD_HEADER.replace('"b"', '"a"'), GOOD_DATA), /repeats the key "a"/],
  [
    'unknown dtype',
    handBuilt(GOOD_HEADER.replace('I32', 'Q32'), GOOD_DATA),
    /dtype "Q32" is not a safetensors dtype/,
  ],
  [
    'unsupported dtype',
    handBuilt(GOOD_HEADER.replace('I32', 'U32'), GOOD_DATA),
    /dtype "U32" is not supported/,
  ],
  ['shape not a list', handBuilt(GOOD_HEADER.replace('[2]', '2'), GOOD_DATA), /needs "shape" as a list/],
  ['negative dim', handBuilt(GOOD_HEADER.replace('[2]', '[-2]'), GOOD_DATA), /negative number/],
  ['fractional dim', handBuilt(GOOD_HEADER.replace('[2]', '[2.5]'), GOOD_DATA), /plain non-negative integer/],
  [
    'missing offsets',
    handBuilt('{"a":{"dtype":"F32","shape":[0]}}'),
    /needs "data_offsets" as \[begin, end\]/,
  ],
  ['three offsets', handBuilt(GOOD_HEADER.replace('[0,8]', '[0,4,8]'), GOOD_DATA), /data_offsets/],
  [
    'unknown field',
    handBuilt('{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0],"x":1}}'),
    /unknown field "x"/,
  ],
  ['entry not an object', handBuilt('{"a":3}'), /tensor "a" must be an object/],
  [
    'end before begin',
    handBuilt(GOOD_HEADER.replace('[8,12]', '[12,8]'), GOOD_DATA),
    /end before they begin/,
  ],
  [
    'shape × size ≠ bytes',
    handBuilt(GOOD_HEADER.replace('[2]', '[3]'), GOOD_DATA),
    /holds 8 bytes but shape \[3\] of F32 needs 12/,
  ],
  [
    'a gap',
    handBuilt(GOOD_HEADER.replace('[8,12]', '[12,16]'), [...GOOD_DATA, 0, 0, 0, 0]),
    /"b" data_offsets \[12,16\] leaves a gap: "a" ends at 8/,
  ],
  [
    'an overlap',
    handBuilt(
      GOOD_HEADER.replace('"shape":[1],"data_offsets":[8,12]', '"shape":[1],"data_offsets":[4,8]'),
      GOOD_DATA,
    ),
    /overlaps/,
  ],
  [
    'not starting at 0',
    handBuilt(GOOD_HEADER.replace('[0,8]', '[4,12]').replace('[8,12]', '[12,16]'), GOOD_DATA),
    /gap/,
  ],
  ['truncated data', handBuilt(GOOD_HEADER, GOOD_DATA.slice(0, 10)), /run past the end of the data/],
  ['appended bytes', handBuilt(GOOD_HEADER, [...GOOD_DATA, 9]), /cover 12 data bytes but the file holds 13/],
  ['metadata not an object', handBuilt('{"__metadata__":["x"]}'), /"__metadata__" must be an object/],
  [
    'metadata value not a string',
    handBuilt('{"__metadata__":{"epoch":3}}'),
    /entry "epoch" must be a string/,
  ],
  [
    'huge shape',
    handBuilt('{"a":{"dtype":"F64","shape":[9007199254740991,9007199254740991],"data_offsets":[0,0]}}'),
    /too large/,
  ],
];

test('refuses every malformed file with a FormatError naming the source', () => {
  assert.doesNotThrow(() => decodeSafetensors(handBuilt(GOOD_HEADER, GOOD_DATA)));
  for (const [what, bytes, message] of REFUSALS) {
    assert.throws(
      () => decodeSafetensors(bytes, 'weights.safetensors'),
      (e: unknown) =>
        e instanceof FormatError && e.message.startsWith('weights.safetensors: ') && message.test(e.message),
      what,
    );
  }
});

test('metadata keys such as __proto__ stay plain keys', () => {
  const file = decodeSafetensors(handBuilt('{"__metadata__":{"__proto__":"x","constructor":"y"}}'));
  assert.equal(Object.getPrototypeOf(file.metadata), Object.prototype);
  assert.deepEqual(Object.keys(file.metadata), ['__proto__', 'constructor']);
  assert.equal(file.metadata.constructor, 'y');
});

// ---------------------------------------------------------------------------------------------
// Round trip on drawn tensors of every dtype.

const ALL: SafetensorsDType[] = Object.keys(SAFETENSORS_DTYPES) as SafetensorsDType[];

/** Values each file type holds exactly, as the NDArray they are read back into. */
function valuesFor(dtype: SafetensorsDType): fc.Arbitrary<number> {
  switch (dtype) {
    case 'F32':
      return fc.float();
    case 'F64':
      return fc.double();
    case 'F16':
      return fc.integer({ min: 0, max: 0xffff }).map(float16ToFloat32);
    case 'BF16':
      return fc.integer({ min: 0, max: 0xffff }).map(bfloat16ToFloat32);
    case 'I32':
    case 'I64':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'BOOL':
      return fc.integer({ min: 0, max: 1 });
    case 'U8':
      return fc.integer({ min: 0, max: 255 });
    case 'I8':
      return fc.integer({ min: -128, max: 127 });
    case 'I16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'U16':
      return fc.integer({ min: 0, max: 65535 });
  }
}

const drawnTensor = fc
  .record({
    dtype: fc.constantFrom(...ALL),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
  })
  .chain(({ dtype, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return fc.array(valuesFor(dtype), { minLength: size, maxLength: size }).map((values) => {
      const target = SAFETENSORS_DTYPES[dtype].target;
      const data =
        target === 'float64'
          ? Float64Array.from(values)
          : target === 'int32'
            ? Int32Array.from(values)
            : Float32Array.from(values);
      return { dtype, array: new NDArray(data, shape) };
    });
  });

const drawnFile = fc.record({
  tensors: fc.uniqueArray(fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), drawnTensor), {
    selector: ([name]) => name,
    maxLength: 6,
  }),
  metadata: fc.option(
    fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), { maxKeys: 3 }),
    {
      nil: undefined,
    },
  ),
});

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));
}

test('round trip: every dtype, any shape (zero sizes and scalars too), any names and metadata', () => {
  fc.assert(
    fc.property(drawnFile, ({ tensors, metadata }) => {
      const named = tensors.filter(([name]) => name !== '__metadata__');
      const dtypes = Object.fromEntries(named.map(([name, t]) => [name, t.dtype]));
      const bytes = encodeSafetensors(new Map(named.map(([name, t]) => [name, t.array])), metadata, {
        dtypes,
      });
      assert.equal((bytes.length - bytes.subarray(8).length) % 8, 0);
      assert.equal(new DataView(bytes.buffer).getUint32(0, true) % 8, 0, 'data starts 8-byte aligned');
      const file = decodeSafetensors(bytes);
      assert.equal(file.tensors.size, named.length);
      const sorted = (m: object) => Object.entries(m).sort(([a], [b]) => compareCodePoints(a, b));
      assert.deepEqual(sorted(file.metadata), sorted(metadata ?? {}));
      for (const [name, t] of named) {
        const back = file.tensors.get(name)!;
        assert.equal(file.dtypes.get(name), t.dtype);
        assert.equal(back.dtype, t.array.dtype);
        assert.deepEqual(back.shape, t.array.shape);
        assert.ok(sameValues(back.data, t.array.data), `${name} (${t.dtype})`);
      }
      // Writing what was read gives the same bytes: the writer is deterministic.
      assert.deepEqual(encodeSafetensors(file.tensors, metadata, { dtypes: file.dtypes }), bytes);
    }),
    { numRuns: 200 },
  );
});

// ---------------------------------------------------------------------------------------------
// Corruption: any change is refused with a FormatError or, when only data bytes changed, loads the
// changed data. No other exception ever escapes.

const plainTensor = fc
  .record({
    dtype: fc.constantFrom<SafetensorsDType>('F32', 'F64', 'I32', 'U8'),
    shape: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
  })
  .chain(({ dtype, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return fc.array(valuesFor(dtype), { minLength: size, maxLength: size }).map((values) => {
      const target = SAFETENSORS_DTYPES[dtype].target;
      const data =
        target === 'float64'
          ? Float64Array.from(values)
          : target === 'int32'
            ? Int32Array.from(values)
            : Float32Array.from(values);
      return { dtype, array: new NDArray(data, shape) };
    });
  });

test('corrupted files are refused with a FormatError, or (data bytes only) load the changed data', () => {
  let refused = 0;
  let loaded = 0;
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 4 }), plainTensor), {
        selector: ([n]) => n,
        minLength: 1,
        maxLength: 4,
      }),
      fc.option(fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }), {
        nil: undefined,
      }),
      corruption,
      (tensors, metadata, c) => {
        const named = tensors.filter(([n]) => n !== '__metadata__');
        const bytes = encodeSafetensors(new Map(named.map(([n, t]) => [n, t.array])), metadata, {
          dtypes: Object.fromEntries(named.map(([n, t]) => [n, t.dtype])),
        });
        const bad = corrupt(bytes, c);
        if (bad === undefined) return;
        const dataStart = 8 + new DataView(bytes.buffer).getUint32(0, true);
        let file: ReturnType<typeof decodeSafetensors>;
        try {
          file = decodeSafetensors(bad, 'corrupt.safetensors');
        } catch (e) {
          assert.ok(e instanceof FormatError, `${c.kind}: ${String(e)}`);
          assert.ok(e.message.startsWith('corrupt.safetensors: '));
          refused++;
          return;
        }
        loaded++;
        if (c.kind === 'flip' && c.at % bytes.length >= dataStart) {
          // A data-only change: the same tensors, and their bytes are the changed bytes.
          assert.deepEqual([...file.tensors.keys()].sort(), named.map(([n]) => n).sort());
          const again = encodeSafetensors(file.tensors, metadata, { dtypes: file.dtypes });
          assert.deepEqual(again, bad);
        }
      },
    ),
    { numRuns: 1500 },
  );
  assert.ok(refused > 0 && loaded > 0, `refused ${refused}, loaded ${loaded}`);
});

test('decodeSafetensorsHeader gives names, dtypes, shapes and offsets without reading the data', () => {
  const bytes = encodeSafetensors({ 'fc.weight': tensor([[1, 2, 3]]), 'fc.bias': tensor([4]) }, { k: 'v' });
  const h = decodeSafetensorsHeader(bytes, 'w.safetensors');
  assert.deepEqual(
    h.entries.map((e) => [e.name, e.dtype, e.shape, e.end - e.begin]),
    [
      ['fc.bias', 'F32', [1], 4],
      ['fc.weight', 'F32', [1, 3], 12],
    ],
  );
  assert.deepEqual(h.metadata, { k: 'v' });
  assert.equal(h.dataStart + 16, bytes.length);
  // The same refusals as the full decoder: a shape that does not match its bytes.
  const text = new TextDecoder().decode(bytes.subarray(8, h.dataStart)).replace('[1,3]', '[3,3]');
  const bad = new Uint8Array(bytes);
  bad.set(new TextEncoder().encode(text), 8);
  assert.throws(
    () => decodeSafetensorsHeader(bad, 'w.safetensors'),
    /w\.safetensors: tensor "fc\.weight" holds 12 bytes/,
  );
});
