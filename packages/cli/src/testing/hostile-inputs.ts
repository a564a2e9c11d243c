/**
 * The hostile-input suite's inputs: each one a crafted file or flag that once made (or could make)
 * the CLI allocate far more than the input's size warrants, hang, or print something unbounded.
 * Every case is written with low-level encoders only (safetensors, checkpoints, IDX, PNG bytes by
 * hand), so the same generator runs against old and new code and the numbers compare.
 *
 * Rows of issue 17's table are tagged `table`; the rest are this suite's own additions.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync, constants as zc, deflateSync } from 'node:zlib';
import { encodeCheckpoint, encodeSafetensors } from '@nabla/io';
import { assembleNetwork, mlpLayers } from '@nabla/models';
import { NDArray, Random } from '@nabla/tensor';
import { mnistSlice, writeIdxPair } from './fixtures.js';

export interface HostileCase {
  name: string;
  /** A row of issue 17's table, or one of this suite's own. */
  origin: 'table' | 'own';
  args: string[];
  /** What the refusal must mention (checked once the fix is in). */
  expect: RegExp;
  /** Run as an unprivileged user (only when the suite runs as root): for permission cases. */
  asNobody?: boolean;
  /** Checked after the run (e.g. a stale temp file is gone). */
  after?: () => string | null;
}

const MODEL_FORMAT = { format: 'nabla-model', version: 1 } as const;

function modelJson(layers: { factory: string; args: unknown[] }[], extra: Record<string, unknown> = {}) {
  return {
    ...MODEL_FORMAT,
    model: 'mlp',
    architecture: { type: 'layers', layers },
    inputShape: [784],
    normalization: 'zerocenter',
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    input: { kind: 'grayscale-image', height: 28, width: 28, scale: '[0,1]' },
    ...extra,
  };
}

/** The CLI's MLP, 784-128-64-10, as model.json layer configs. */
export function mlpConfigs(sizes = [128, 64, 10]): { factory: string; args: unknown[] }[] {
  return [
    { factory: 'featureInputLayer', args: [784, { normalization: 'zerocenter' }] },
    ...sizes.flatMap((n, i) => [
      { factory: 'fullyConnectedLayer', args: [n] },
      ...(i < sizes.length - 1 ? [{ factory: 'reluLayer', args: [] }] : []),
    ]),
    { factory: 'softmaxLayer', args: [] },
    { factory: 'classificationLayer', args: [] },
  ];
}

function mlpNet() {
  const net = assembleNetwork(mlpLayers([784, 128, 64, 10], { normalization: 'zerocenter' }), {
    generator: new Random(1),
  });
  net.fitNormalization(new NDArray(new Float32Array(4 * 784).fill(0.25), [4, 784]));
  return net;
}

function writeModelDir(dir: string, json: unknown, tensors: Map<string, NDArray>): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), typeof json === 'string' ? json : JSON.stringify(json));
  writeFileSync(join(dir, 'model.safetensors'), encodeSafetensors(tensors));
  return dir;
}

// ---- PNG and gzip bytes, by hand ---------------------------------------------------------------

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A grayscale 8-bit PNG whose IDAT is `idat` (a zlib stream). */
function pngBytes(width: number, height: number, idat: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * A raw deflate stream of `mib` MiB of zeros, made cheaply: one MiB compressed with a full flush
 * (byte-aligned, no back-reference across it) repeated, then an empty final block.
 */
function zerosDeflate(mib: number): Buffer {
  const one = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: zc.Z_FULL_FLUSH });
  const parts: Buffer[] = [];
  for (let i = 0; i < mib; i++) parts.push(one);
  parts.push(Buffer.from([0x03, 0x00])); // final fixed-Huffman block holding only end-of-block
  return Buffer.concat(parts);
}

/** Adler-32 of n zero bytes: a = 1, b = n (mod 65521). */
function adlerZeros(n: number): number {
  return (((n % 65521) << 16) | 1) >>> 0;
}

function zlibOfZeros(mib: number): Buffer {
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(adlerZeros(mib * (1 << 20)), 0);
  return Buffer.concat([Buffer.from([0x78, 0xda]), zerosDeflate(mib), trailer]);
}

/** A PNG of width × height gray pixels whose rows are all zeros (filter byte 0, then pixels). */
function bigBlankPng(width: number, height: number): Buffer {
  // Each row is 1 + width bytes; a zlib stream of (1 + width) · height zeros, rounded up to MiB,
  // would be too long, so compress exactly that many zeros.
  const n = (1 + width) * height;
  const whole = Math.floor(n / (1 << 20));
  const rest = n - whole * (1 << 20);
  const one = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: zc.Z_FULL_FLUSH });
  const tail = deflateRawSync(Buffer.alloc(rest), { level: 9 });
  const parts: Buffer[] = [Buffer.from([0x78, 0xda])];
  for (let i = 0; i < whole; i++) parts.push(one);
  parts.push(tail);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(adlerZeros(n), 0);
  parts.push(trailer);
  return pngBytes(width, height, Buffer.concat(parts));
}

/** A 28×28 digit-like PNG: a white bar on black. */
function digitPng(): Buffer {
  const rows: number[] = [];
  for (let y = 0; y < 28; y++) {
    rows.push(0);
    for (let x = 0; x < 28; x++) rows.push(x > 12 && x < 16 && y > 4 && y < 24 ? 255 : 0);
  }
  return pngBytes(28, 28, deflateSync(Buffer.from(rows)));
}

function gzipOf(deflate: Buffer, length: number): Buffer {
  const head = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(0, 0); // CRC left wrong: the size must be refused long before it is checked
  trailer.writeUInt32LE(length >>> 0, 4);
  return Buffer.concat([head, deflate, trailer]);
}

// ---- the cases --------------------------------------------------------------------------------

/** Writes every input into `dir` and returns the cases. */
export function hostileCases(dir: string): HostileCase[] {
  const net = mlpNet();
  const weights = net.stateDict();
  const good = writeModelDir(join(dir, 'good-model'), modelJson(mlpConfigs()), weights);
  const idx = writeIdxPair(dir, 'good', mnistSlice(0, 100));
  const digit = join(dir, 'digit.png');
  writeFileSync(digit, digitPng());
  const cases: HostileCase[] = [];
  const add = (c: HostileCase) => cases.push(c);
  const evaluate = (model: string, extra: string[] = []) => [
    'evaluate',
    '--model',
    model,
    '--test-images',
    idx.images,
    '--test-labels',
    idx.labels,
    ...extra,
  ];
  const trainMlp = (extra: string[]) => [
    'train',
    'mlp',
    '--train-images',
    idx.images,
    '--train-labels',
    idx.labels,
    '--train-size',
    '40',
    '--val-size',
    '10',
    '--epochs',
    '1',
    '--batch-size',
    '16',
    '--quiet',
    ...extra,
  ];

  // Table: a 702-byte model.json asking for a 3e6-unit fully connected layer, and 1e12.
  for (const [tag, units] of [
    ['3e6', 3e6],
    ['1e12', 1e12],
  ] as const) {
    const m = writeModelDir(join(dir, `fc-${tag}`), modelJson(mlpConfigs([units, 64, 10])), weights);
    add({
      name: `model.json with fullyConnectedLayer(${tag})`,
      origin: 'table',
      args: evaluate(m),
      expect: /model\.(json|safetensors).*(does not match|limit)/,
    });
  }

  // Table: AlexNet weights whose classifier.6.weight claims [100000, 0] (0 bytes) and [2e6, 0].
  for (const [tag, n] of [
    ['1e5', 100000],
    ['2e6', 2e6],
  ] as const) {
    const f = join(dir, `alexnet-${tag}.safetensors`);
    writeFileSync(
      f,
      encodeSafetensors(new Map([['classifier.6.weight', new NDArray(new Float32Array(0), [n, 0])]])),
    );
    add({
      name: `AlexNet weights with classifier.6.weight [${tag}, 0]`,
      origin: 'table',
      args: ['visualize', '--alexnet', f, '--out', join(dir, `vis-${tag}`), '--no-activations'],
      expect: /alexnet-.*classifier\.6\.weight/,
    });
  }

  // Table: an IDX .gz that inflates to 1 GiB of zeros (about 1 MB here: repeated full-flush blocks).
  const bomb = join(dir, 'bomb-images.gz');
  writeFileSync(bomb, gzipOf(zerosDeflate(1024), 1 << 30));
  add({
    name: 'IDX .gz inflating to 1 GiB of zeros',
    origin: 'table',
    args: evaluate(good).map((a) => (a === idx.images ? bomb : a)),
    expect: /bomb-images\.gz/,
  });

  // Table: a small PNG of 12000×12000.
  const huge = join(dir, 'huge.png');
  writeFileSync(huge, bigBlankPng(12000, 12000));
  add({
    name: 'PNG of 12000×12000 (classify)',
    origin: 'table',
    args: ['classify', '--model', good, huge],
    expect: /huge\.png.*12000.*12000/,
  });

  // Table: --test-images /dev/zero.
  add({
    name: '--test-images /dev/zero',
    origin: 'table',
    args: evaluate(good).map((a) => (a === idx.images ? '/dev/zero' : a)),
    expect: /\/dev\/zero.*not a regular file/,
  });

  // Checkpoints: a valid one of the CLI's MLP, then variants with a valid CRC and bad content.
  const config = {
    model: 'mlp',
    epochs: 3,
    batchSize: 16,
    learnRate: 0.01,
    seed: 0,
    trainSize: 40,
    valSize: 10,
    full: false,
    validationFrequency: 30,
    threads: 1,
    files: { trainImages: idx.images, trainLabels: idx.labels },
  };
  const optimizer = new Map<string, NDArray>();
  net.body.parameters().forEach((p, i) => {
    optimizer.set(`${i}.momentum_buffer`, new NDArray(new Float32Array(p.size), p.shape));
  });
  const state = {
    config,
    epoch: 1,
    iteration: 2,
    generatorState: new Random(3).getState(),
    optimizer: { step: 2, learningRate: 0.01 },
    history: [],
    elapsedSeconds: 1,
  };
  const checkpoint = (name: string, s: unknown, opt: Map<string, NDArray> = optimizer, w = weights) => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    writeFileSync(
      join(d, 'checkpoint.safetensors'),
      encodeCheckpoint({ weights: w, optimizer: opt, state: s }),
    );
    return d;
  };
  const resume = (d: string, extra: string[] = []) => ['train', 'mlp', '--resume', d, '--quiet', ...extra];
  add({
    name: 'checkpoint with threads: 100000',
    origin: 'table',
    args: resume(checkpoint('ck-threads', { ...state, config: { ...config, threads: 100000 } })),
    expect: /threads/,
  });
  add({
    name: '--threads 200',
    origin: 'table',
    args: trainMlp(['--threads', '200', '--out', join(dir, 'threads-run')]),
    expect: /--threads/,
  });

  // Table: one NaN in model.safetensors.
  const nanWeights = new Map(weights);
  const w0 = weights.get('0.weight')!;
  const nanData = Float32Array.from(w0.data as Float32Array);
  nanData[5] = Number.NaN;
  nanWeights.set('0.weight', new NDArray(nanData, w0.shape));
  const nanModel = writeModelDir(join(dir, 'nan-model'), modelJson(mlpConfigs()), nanWeights);
  add({
    name: 'one NaN in model.safetensors (classify)',
    origin: 'table',
    args: ['classify', '--model', nanModel, digit],
    expect: /0\.weight.*(NaN|finite)/,
  });

  // Table: --out into a folder nobody can write, a file, and /proc.
  const locked = join(dir, 'locked');
  mkdirSync(locked, { mode: 0o555 });
  add({
    name: '--out in a folder nobody can write',
    origin: 'table',
    args: trainMlp(['--out', join(locked, 'run')]),
    expect: /locked.*(writ|permission)/,
    asNobody: true,
  });
  const afile = join(dir, 'afile');
  writeFileSync(afile, 'x');
  add({
    name: 'finetune --out a file',
    origin: 'table',
    args: ['finetune', '--from', good, '--out', afile, '--epochs', '1'],
    expect: /afile.*not a folder/,
  });
  add({
    name: '--out /proc/x',
    origin: 'table',
    args: trainMlp(['--out', '/proc/x']),
    expect: /\/proc.*(pseudo|file system)/,
  });

  // Table: a stale temp file left by a dead process is removed (here the run is then refused for
  // a bad data file, which happens after the output folder is prepared).
  const crashed = join(dir, 'crashed-run');
  mkdirSync(crashed);
  const stale = join(crashed, '.checkpoint.safetensors.999999999.1.abc.tmp');
  writeFileSync(stale, 'half a checkpoint');
  add({
    name: 'stale .tmp of a crashed checkpoint write',
    origin: 'table',
    args: trainMlp(['--out', crashed, '--test-images', '/dev/zero', '--test-labels', idx.labels]),
    expect: /\/dev\/zero/,
    after: () => {
      try {
        execFileSync('test', ['!', '-e', stale]);
        return null;
      } catch {
        return `the stale temp file ${stale} is still there`;
      }
    },
  });

  // Table: checkpoints with a valid CRC and invalid content.
  const noBuffers = new Map([...optimizer].slice(1));
  add({
    name: 'checkpoint missing an optimizer buffer',
    origin: 'table',
    args: resume(checkpoint('ck-buffers', state, noBuffers)),
    expect: /momentum_buffer|optimizer/,
  });
  add({
    name: 'checkpoint with generator state [0,0,0,0]',
    origin: 'table',
    args: resume(checkpoint('ck-rng', { ...state, generatorState: [0, 0, 0, 0] })),
    expect: /generator/,
  });
  add({
    name: 'checkpoint with a negative iteration',
    origin: 'table',
    args: resume(checkpoint('ck-iter', { ...state, iteration: -5 })),
    expect: /iteration/,
  });
  add({
    name: 'checkpoint with a fractional train size',
    origin: 'table',
    args: resume(checkpoint('ck-frac', { ...state, config: { ...config, trainSize: 40.5 } })),
    expect: /trainSize/,
  });
  add({
    name: 'checkpoint with junk history',
    origin: 'table',
    args: resume(checkpoint('ck-history', { ...state, history: [1, 'x', null, { iteration: 'a' }] })),
    expect: /history/,
  });

  // Table: factories named constructor and __proto__.
  for (const factory of ['constructor', '__proto__']) {
    const layers = mlpConfigs();
    layers.splice(2, 0, { factory, args: [] });
    const m = writeModelDir(join(dir, `factory-${factory}`), modelJson(layers), weights);
    add({
      name: `layer factory '${factory}'`,
      origin: 'table',
      args: evaluate(m),
      expect: new RegExp(`unknown layer factory '${factory}'`),
    });
  }

  // Table: a safetensors header with 200,000 extra (empty) tensors; an IDX of rank 255.
  const many = new Map(weights);
  for (let i = 0; i < 200_000; i++) many.set(`extra.${i}`, new NDArray(new Float32Array(0), [0]));
  const manyModel = writeModelDir(join(dir, 'many-tensors'), modelJson(mlpConfigs()), many);
  add({
    name: 'safetensors with 200,000 extra tensors',
    origin: 'table',
    args: evaluate(manyModel),
    expect: /model\.safetensors.*header is \d+ bytes, more than/,
  });
  // The same with 500 extra tensors: a header the size allows, a list cut after ten names.
  const some = new Map(weights);
  for (let i = 0; i < 500; i++) some.set(`extra.${i}`, new NDArray(new Float32Array(0), [0]));
  add({
    name: 'safetensors with 500 extra tensors',
    origin: 'own',
    args: evaluate(writeModelDir(join(dir, 'some-tensors'), modelJson(mlpConfigs()), some)),
    expect: /unexpected extra\.0, .*… and 490 more/,
  });
  const rank255 = join(dir, 'rank255-images');
  const head = new Uint8Array(4 + 4 * 255);
  head[2] = 0x08;
  head[3] = 255;
  for (let i = 0; i < 255; i++) head[4 + 4 * i + 3] = 2; // every dimension 2: 2^255 elements
  writeFileSync(rank255, head);
  add({
    name: 'IDX of rank 255',
    origin: 'table',
    args: evaluate(good).map((a) => (a === idx.images ? rank255 : a)),
    expect: /rank255-images/,
  });

  // Table: a class name holding terminal escape sequences.
  const esc = writeModelDir(
    join(dir, 'escape-classes'),
    modelJson(mlpConfigs(), {
      classes: ['\u001b[2J\u001b]0;pwned\u0007zero', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    }),
    weights,
  );
  add({
    name: 'class name with terminal escapes',
    origin: 'table',
    args: ['classify', '--model', esc, digit],
    expect: /class.*\\u001b|control/,
  });

  // ---- this suite's own ----------------------------------------------------------------------

  // A 200 MB model.json (sparse: no disk used) is refused by its size, before it is read.
  const bigJson = join(dir, 'big-json');
  mkdirSync(bigJson);
  writeFileSync(join(bigJson, 'model.json'), '');
  truncateSync(join(bigJson, 'model.json'), 200 * 2 ** 20);
  writeFileSync(join(bigJson, 'model.safetensors'), encodeSafetensors(weights));
  add({
    name: 'model.json of 200 MB',
    origin: 'own',
    args: evaluate(bigJson),
    expect: /model\.json.*(MB|bytes|large)/,
  });

  // model.json as a FIFO: reading it would block for ever.
  const fifo = join(dir, 'fifo-model');
  mkdirSync(fifo);
  execFileSync('mkfifo', [join(fifo, 'model.json')]);
  writeFileSync(join(fifo, 'model.safetensors'), encodeSafetensors(weights));
  add({ name: 'model.json is a FIFO', origin: 'own', args: evaluate(fifo), expect: /not a regular file/ });

  // model.safetensors a link to /dev/zero (an endless read).
  const devzero = join(dir, 'devzero-model');
  mkdirSync(devzero);
  writeFileSync(join(devzero, 'model.json'), JSON.stringify(modelJson(mlpConfigs())));
  symlinkSync('/dev/zero', join(devzero, 'model.safetensors'));
  add({
    name: 'model.safetensors links to /dev/zero',
    origin: 'own',
    args: evaluate(devzero),
    expect: /not a regular file/,
  });

  // A PNG to classify that is /dev/urandom.
  const urandom = join(dir, 'urandom.png');
  symlinkSync('/dev/urandom', urandom);
  add({
    name: 'PNG links to /dev/urandom',
    origin: 'own',
    args: ['classify', '--model', good, urandom],
    expect: /not a regular file/,
  });

  // A valid IDX header for 100 digits whose .gz then inflates to 256 MiB.
  const idxHead = Buffer.alloc(16);
  idxHead.writeUInt32BE(0x00000803, 0);
  idxHead.writeUInt32BE(100, 4);
  idxHead.writeUInt32BE(28, 8);
  idxHead.writeUInt32BE(28, 12);
  const headDeflate = deflateRawSync(idxHead, { finishFlush: zc.Z_FULL_FLUSH });
  const longGz = join(dir, 'long-images.gz');
  writeFileSync(longGz, gzipOf(Buffer.concat([headDeflate, zerosDeflate(256)]), 16 + 256 * 2 ** 20));
  add({
    name: 'IDX .gz with a valid header inflating to 256 MiB',
    origin: 'own',
    args: evaluate(good).map((a) => (a === idx.images ? longGz : a)),
    expect: /long-images\.gz.*(too long|more than)/,
  });

  // A 1×1 PNG whose IDAT inflates to 512 MiB.
  const pngBomb = join(dir, 'png-bomb.png');
  writeFileSync(pngBomb, pngBytes(1, 1, zlibOfZeros(512)));
  add({
    name: 'PNG 1×1 whose IDAT inflates to 512 MiB',
    origin: 'own',
    args: ['classify', '--model', good, pngBomb],
    expect: /png-bomb\.png/,
  });

  // A convolution whose padding makes a tiny weight produce an enormous activation.
  const padModel = writeModelDir(
    join(dir, 'pad-model'),
    modelJson(
      [
        { factory: 'imageInputLayer', args: [[28, 28, 1], { normalization: 'none' }] },
        { factory: 'convolution2dLayer', args: [1, 1, { padding: 100000 }] },
        { factory: 'fullyConnectedLayer', args: [10] },
        { factory: 'softmaxLayer', args: [] },
        { factory: 'classificationLayer', args: [] },
      ],
      { normalization: 'none', inputShape: [1, 28, 28] },
    ),
    new Map([
      ['0.weight', new NDArray(new Float32Array(1), [1, 1, 1, 1])],
      ['0.bias', new NDArray(new Float32Array(1), [1])],
    ]),
  );
  add({
    name: 'convolution with padding 100000 (a huge activation)',
    origin: 'own',
    args: evaluate(padModel),
    expect: /activation|output/,
  });

  // A model.json nested 100,000 arrays deep.
  const deep = join(dir, 'deep-model');
  mkdirSync(deep);
  writeFileSync(join(deep, 'model.json'), `${'['.repeat(100000)}${']'.repeat(100000)}`);
  writeFileSync(join(deep, 'model.safetensors'), encodeSafetensors(weights));
  add({ name: 'model.json nested 100,000 deep', origin: 'own', args: evaluate(deep), expect: /model\.json/ });

  // A layer factory given junk arguments.
  const junkArgs = mlpConfigs();
  junkArgs[1] = { factory: 'fullyConnectedLayer', args: [{ toString: 1 }, 'x'] };
  add({
    name: 'fullyConnectedLayer with junk arguments',
    origin: 'own',
    args: evaluate(writeModelDir(join(dir, 'junk-args'), modelJson(junkArgs), weights)),
    expect: /fullyConnectedLayer/,
  });

  // Infinity in a checkpoint's weights; a checkpoint's fixedOrder outside the training set.
  const infWeights = new Map(weights);
  const b0 = weights.get('0.bias')!;
  const infData = Float32Array.from(b0.data as Float32Array);
  infData[0] = Number.POSITIVE_INFINITY;
  infWeights.set('0.bias', new NDArray(infData, b0.shape));
  add({
    name: 'checkpoint with Infinity in a weight',
    origin: 'own',
    args: resume(checkpoint('ck-inf', state, optimizer, infWeights)),
    expect: /0\.bias.*(Infinity|finite)/,
  });
  add({
    name: 'checkpoint with fixedOrder outside the data',
    origin: 'own',
    args: resume(checkpoint('ck-order', { ...state, fixedOrder: [1e9, -1, 0.5] })),
    expect: /fixedOrder/,
  });
  add({
    name: 'checkpoint with an enormous epoch count',
    origin: 'own',
    args: resume(checkpoint('ck-epochs', { ...state, config: { ...config, epochs: 1e300 } })),
    expect: /epochs/,
  });
  add({
    name: 'checkpoint whose state is a string',
    origin: 'own',
    args: resume(checkpoint('ck-string', 'hello')),
    expect: /state/,
  });

  // Flags that would allocate before anything checks them.
  add({
    name: '--threads 1000000000',
    origin: 'own',
    args: trainMlp(['--threads', '1000000000', '--out', join(dir, 'threads-run-2')]),
    expect: /--threads/,
  });
  add({
    name: 'visualize --channels 0-1000000000',
    origin: 'own',
    args: [
      'visualize',
      '--model',
      good,
      '--out',
      join(dir, 'vis-channels'),
      '--no-filters',
      '--no-activations',
      '--dream',
      'output',
      '--channels',
      '0-1000000000',
    ],
    expect: /--channels/,
  });
  add({
    name: 'credit --applicant /dev/zero',
    origin: 'own',
    args: ['credit', '--applicant', '/dev/zero'],
    expect: /\/dev\/zero.*not a regular file/,
  });

  // A model.json whose classes hold a million names.
  add({
    name: 'model.json with 1,000,000 class names',
    origin: 'own',
    args: evaluate(
      writeModelDir(
        join(dir, 'many-classes'),
        modelJson(mlpConfigs(), { classes: Array.from({ length: 1e6 }, (_, i) => `c${i}`) }),
        weights,
      ),
    ),
    expect: /classes/,
  });
  return cases;
}
