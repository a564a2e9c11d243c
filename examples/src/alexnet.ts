/**
 * AlexNet on this machine: build the original network (60,965,224 learnables), run a forward pass
 * on one 227×227×3 image, and one sgdm training step on a small batch; time and memory of each.
 *   pnpm --filter @nabla/examples alexnet [-- --batch 4]
 * (the script runs node with --expose-gc, so memory is measured after a collection). The weights
 * are random (seeded) and the images noise: the cost does not depend on either.
 */
import { crossEntropy, noGrad, Tensor } from '@nabla/autograd';
import { alexnet } from '@nabla/models';
import { SGD } from '@nabla/optim';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';

const args = process.argv.slice(2);
const at = args.indexOf('--batch');
const batch = at >= 0 ? Number(args[at + 1]) : 4;
const gc = (globalThis as { gc?: () => void }).gc;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
function memory(label: string): void {
  gc?.();
  const m = process.memoryUsage();
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(
    `${label.padEnd(28)} rss ${mib(m.rss)}, heap used ${mib(m.heapUsed)}, array buffers ${mib(m.arrayBuffers)}; peak rss so far ${mib(peak)}`,
  );
}
// Wall time and this process's CPU time (user + system): on a shared machine the CPU time is the
// steadier figure.
let cpuAt = process.cpuUsage();
const seconds = (t: number) => {
  const cpu = process.cpuUsage(cpuAt);
  cpuAt = process.cpuUsage();
  return `${((performance.now() - t) / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU`;
};

memory('start');
let t = performance.now();
cpuAt = process.cpuUsage();
const net = alexnet({ generator: new Random(0) });
console.log(`built AlexNet (${net.learnables().toLocaleString('en-US')} learnables) in ${seconds(t)}`);
const g = new Random(1);
const images = nd.randomUniform([batch, 3, 227, 227], 0, 255, { generator: g });
net.fitNormalization(images);
memory('after build');

net.eval();
const one = images.slice([[0, 1]]).contiguous();
noGrad(() => net.forward(one)); // warm-up (scratch buffers, JIT)
t = performance.now();
cpuAt = process.cpuUsage();
const scores = noGrad(() => net.forward(one).data);
console.log(`forward, one image, eval mode: ${seconds(t)}; scores ${JSON.stringify(scores.shape)}`);
memory('after forward');

net.train();
const optimizer = new SGD(net.body.parameters(), { lr: 0.01, momentum: 0.9, weightDecay: 5e-4 });
const labels = Int32Array.from({ length: batch }, (_, i) => i);
for (let step = 1; step <= 2; step++) {
  t = performance.now();
  cpuAt = process.cpuUsage();
  optimizer.zeroGrad();
  const loss = crossEntropy(net.forward(new Tensor(images)), labels);
  loss.backward();
  optimizer.step();
  console.log(`training step ${step} (batch ${batch}, sgdm): ${seconds(t)}; loss ${loss.item().toFixed(4)}`);
  memory(`after training step ${step}`);
}
