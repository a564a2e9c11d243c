/**
 * The page of the Chromium test (browser-model.test.ts), bundled with esbuild for the browser:
 * it fetches a CLI-trained model's two files, loads them with @nabla/models' browser entry
 * (loadModel: bytes in, no Node built-ins) and classifies the digits it is given.
 */
import { classify, loadModel } from '@nabla/models';
import { NDArray } from '@nabla/tensor';

async function bytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Loads model.json + model.safetensors from `base` and classifies `pixels` ([N, …inputShape], row-major). */
async function classifyWithModel(
  base: string,
  pixels: number[],
  count: number,
): Promise<{ inputShape: number[]; classes: string[]; labels: number[]; scores: number[] }> {
  const { net } = loadModel({
    json: await bytes(`${base}model.json`),
    weights: await bytes(`${base}model.safetensors`),
  });
  const x = new NDArray(Float32Array.from(pixels), [count, ...net.inputShape]);
  const { labels, scores } = classify(net, x);
  return {
    inputShape: [...net.inputShape],
    classes: [...net.classes],
    labels: [...labels],
    scores: [...scores.contiguous().data],
  };
}

Object.assign(globalThis, { classifyWithModel, nablaPageReady: true });
