/** Example 3: `pnpm --filter @nabla/examples minibatch` */
import { compareMinibatchToFullBatch } from './minibatch-example.js';

console.log('MLP 2-32-3 on 3,000 points of three blobs, until the full training loss < 0.15');
for (const r of compareMinibatchToFullBatch()) {
  console.log(
    `${r.method.padEnd(32)} ${r.reached ? 'reached' : 'did NOT reach'} the target after ${r.updates} updates, ${r.epochs} passes, ${r.seconds.toFixed(2)} s (loss ${r.finalLoss.toFixed(4)})`,
  );
}
