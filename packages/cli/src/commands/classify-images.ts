import { classify, printable } from '@nabla/models';
import { concat } from '@nabla/tensor';
import { loadModel } from '../model-files.js';
import { pngToDigit, readPng } from '../png-digit.js';

export interface ClassifyFlags {
  model: string;
  json: boolean;
}

/**
 * `nabla classify --model DIR a.png …`: each PNG made to look like an MNIST digit (see
 * png-digit.ts for the rule), then the predicted digit and the probability of every class.
 */
export async function classifyImages(files: readonly string[], flags: ClassifyFlags): Promise<void> {
  const { net } = await loadModel(flags.model);
  const digits = [];
  for (const file of files) digits.push(pngToDigit(await readPng(file), file));
  const x = concat(digits, 0);
  const { labels, scores } = classify(net, x.reshape([x.shape[0]!, ...net.inputShape]));
  const results = files.map((file, i) => {
    const probabilities = Array.from({ length: net.classes.length }, (_, c) => scores.get(i, c));
    return { file, label: net.classes[labels[i]!]!, probability: probabilities[labels[i]!]!, probabilities };
  });
  if (flags.json) {
    console.log(JSON.stringify(results));
    return;
  }
  for (const r of results) {
    // Names from files are printed with their control characters escaped (never raw to a terminal).
    console.log(`${printable(r.file)}: ${printable(r.label)} (probability ${r.probability.toFixed(4)})`);
    console.log(
      `  ${r.probabilities.map((p, c) => `${printable(net.classes[c]!)}: ${p.toFixed(4)}`).join('  ')}`,
    );
  }
}
