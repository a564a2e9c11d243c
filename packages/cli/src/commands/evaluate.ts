import { classify, confusionMatrix, topKAccuracy } from '@nabla/models';
import { asInput, describeSource, digitFiles, loadDigits } from '../digits.js';
import { loadModel } from '../model-files.js';
import { formatConfusionMatrix } from '../run-report.js';

export interface EvaluateFlags {
  model: string;
  testImages?: string;
  testLabels?: string;
  json: boolean;
}

/** `nabla evaluate --model DIR`: accuracy and confusion matrix on the official test set (or the given IDX pair). */
export async function evaluate(flags: EvaluateFlags): Promise<void> {
  const { net, meta } = await loadModel(flags.model);
  const files = digitFiles({ testImages: flags.testImages, testLabels: flags.testLabels });
  const test = loadDigits(files, 'test');
  const { labels, scores } = classify(net, asInput(test.images, net.inputShape));
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === test.labels[i]) correct++;
  const accuracy = (100 * correct) / labels.length;
  const counts = confusionMatrix(labels, test.labels, net.classes.length);
  // Top-5 accuracy, as ImageNet results are quoted (only meaningful with more than 5 classes).
  const top5 = net.classes.length > 5 ? 100 * topKAccuracy(scores, test.labels, 5) : null;
  const source = describeSource(files, 'test');
  if (flags.json) {
    console.log(
      JSON.stringify({
        model: meta.model,
        dataset: source,
        count: labels.length,
        accuracy,
        top5Accuracy: top5,
        classes: net.classes,
        confusionMatrix: counts,
      }),
    );
    return;
  }
  console.log(`Model: ${meta.model} (${flags.model})`);
  console.log(`Test set: ${source}, ${labels.length.toLocaleString('en-US')} digits`);
  console.log(`Test accuracy: ${accuracy.toFixed(2)}% (${correct.toLocaleString('en-US')} correct)`);
  if (top5 !== null) console.log(`Top-5 accuracy: ${top5.toFixed(2)}%`);
  console.log('Confusion matrix (rows: true class, columns: predicted class):');
  console.log(formatConfusionMatrix(counts, net.classes));
}
