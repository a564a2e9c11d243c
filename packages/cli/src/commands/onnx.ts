import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeFileAtomic } from '@nabla/io/node';
import { EXPORT_OPSET, exportOnnx, importOnnx } from '@nabla/onnx';
import { Command } from 'commander';
import { loadModel, photoInput, saveModel } from '../model-files.js';
import { readLabels } from '../photo-input.js';
import { prepareOutputFolder } from '../output-folder.js';
import { UserError } from '../user-error.js';

export interface ExportFlags {
  onnx: string;
  model: string;
}

export interface ImportFlags {
  out: string;
  labels?: string;
  inputSize?: string;
  mean?: string;
  bgr: boolean;
}

/** `nabla export --onnx model.onnx --model DIR`: a trained model as an ONNX file (opset 13). */
export function exportCommand(): Command {
  return new Command('export')
    .description('write a trained model as an ONNX file (opset 13), for ONNX Runtime, PyTorch, Matlab …')
    .requiredOption('--onnx <file>', 'the ONNX file to write')
    .requiredOption('--model <dir>', 'a model folder (model.json + model.safetensors)')
    .action(async (flags: ExportFlags) => {
      const { net, meta } = await loadModel(flags.model);
      const bytes = exportOnnx(net, { docString: `${meta.model} exported by nabla` });
      await writeFileAtomic(resolve(flags.onnx), bytes);
      console.log(
        `wrote ${resolve(flags.onnx)}: ${meta.model}, ${net.learnables().toLocaleString('en-US')} learnables, opset ${EXPORT_OPSET}, ${(bytes.length / 1e6).toFixed(1)} MB`,
      );
    });
}

/** `nabla import model.onnx --out DIR`: an ONNX network as the usual model files. */
export function importCommand(): Command {
  return new Command('import')
    .description(
      'read an ONNX network (opsets 7–18: Conv, LRN, pooling, Gemm, batch norm, … as PyTorch and the ONNX zoo write them) into a model folder',
    )
    .argument('<file>', 'the .onnx file')
    .requiredOption('--out <dir>', 'folder for model.json and model.safetensors')
    .option('--labels <file>', 'class names, one per line (e.g. the ImageNet synsets for the zoo AlexNet)')
    .option(
      '--input-size <h,w,c>',
      "run the network at this input size instead of the file's (the zoo's AlexNet: 227,227,3)",
    )
    .option(
      '--mean <values>',
      "per-channel means the file's network expects subtracted, in its channel order (zoo AlexNet: 104,117,123)",
    )
    .option(
      '--bgr',
      "the file's network takes BGR (Caffe's order): reverse conv1's channels so photos go in as RGB",
      false,
    )
    .action((file: string, flags: ImportFlags) => importRun(file, flags));
}

export async function importRun(file: string, flags: ImportFlags): Promise<void> {
  const out = await prepareOutputFolder(flags.out, '--out');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let inputShape: number[] | undefined;
  if (flags.inputSize) {
    const v = flags.inputSize.split(',').map((s) => Number(s.trim()));
    if (![2, 3].includes(v.length) || v.some((d) => !Number.isInteger(d) || d < 1))
      throw new UserError(`--input-size: expected h,w,c (positive integers), got '${flags.inputSize}'`);
    inputShape = [v[2] ?? 1, v[0]!, v[1]!];
  }
  let inputMean: number[] | undefined;
  if (flags.mean) {
    inputMean = flags.mean.split(',').map((v) => Number(v.trim()));
    if (inputMean.some((v) => !Number.isFinite(v)))
      throw new UserError(`--mean: expected comma-separated numbers, got '${flags.mean}'`);
  }
  const net = importOnnx(bytes, {
    ...(inputShape ? { inputShape } : {}),
    ...(inputMean ? { inputMean } : {}),
    bgrToRgb: flags.bgr,
  });
  if (flags.labels) net.classes = await readLabels(flags.labels, net.classes.length);
  const image = net.inputShape.length === 3;
  await saveModel(out, 'onnx', net, image ? photoInput(net) : undefined);
  console.log(net.summary());
  console.log(`wrote ${out}/model.safetensors and model.json`);
}
