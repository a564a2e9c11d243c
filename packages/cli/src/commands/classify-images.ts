import { classify, type Network, printable, topK } from '@nabla/models';
import { concat } from '@nabla/tensor';
import { loadModel } from '../model-files.js';
import { photoToInput, readLabels } from '../photo-input.js';
import { pngToDigit, readPng } from '../png-digit.js';

export interface ClassifyFlags {
  model: string;
  json: boolean;
  /** How many classes to list for a photo network (top-5 by default, as ImageNet results). */
  top?: number;
  /** Class names, one per line, instead of the model's own. */
  labels?: string;
}

/**
 * A photo network (imported from ONNX, or finetuned on --images): each PNG or JPEG resized to its
 * input, and the k most probable classes with their probabilities — the course's "top-5".
 */
async function classifyPhotos(net: Network, files: readonly string[], flags: ClassifyFlags): Promise<void> {
  const names = flags.labels ? await readLabels(flags.labels, net.classes.length) : net.classes;
  const inputs = [];
  for (const file of files) inputs.push((await photoToInput(file, net)).reshape([1, ...net.inputShape]));
  const { scores } = classify(net, concat(inputs, 0), { batchSize: 1 });
  const k = Math.min(flags.top ?? 5, names.length);
  const results = topK(scores, k).map((best, i) => ({
    file: files[i]!,
    top: [...best].map((c) => ({ label: names[c]!, probability: scores.get(i, c) })),
  }));
  if (flags.json) {
    console.log(JSON.stringify(results));
    return;
  }
  for (const r of results) {
    console.log(`${printable(r.file)}:`);
    for (const [rank, t] of r.top.entries())
      console.log(`  ${rank + 1}. ${printable(t.label)} (probability ${t.probability.toFixed(4)})`);
  }
}

/**
 * `nabla classify --model DIR a.png …`: each PNG made to look like an MNIST digit (see
 * png-digit.ts for the rule), then the predicted digit and the probability of every class.
 */
export async function classifyImages(files: readonly string[], flags: ClassifyFlags): Promise<void> {
  const { net, meta } = await loadModel(flags.model);
  if (meta.input?.kind === 'photo') return classifyPhotos(net, files, flags);
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
