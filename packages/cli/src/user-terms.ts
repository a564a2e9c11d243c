import { ShapeError, ValueError } from '@nabla/tensor';

/**
 * The library's errors name the function that refused (`filterGrid: the network has no
 * convolution layer`): right for a programmer, noise for someone who typed a command. The CLI
 * shows them in the user's terms: the flag the refusal concerns, or nothing where the message
 * already names the file. Layer factories (`fullyConnectedLayer`) stay: users write those names
 * in model.json, as in Matlab.
 */
const USER_TERMS: Readonly<Record<string, string | ((message: string) => string)>> = {
  // Data files: each message names the files it refuses.
  pairImagesLabels: '',
  readIdxFile: '',
  loadMnistSet: '',
  mnistImages: '',
  mnistLabels: '',
  parseIdx: '',
  // Training: the message says what, the flags are named below.
  trainNetwork: '',
  trainingOptions: '',
  // visualize
  filterGrid: '--filters',
  resolveLayer: '--dream',
  deepDreamImage: (message) => (/^channel /.test(message) ? '--channels' : '--dream'),
  activationMaps: '--image',
  // credit, classify, evaluate
  applicantToRow: '--applicant',
  classify: '--model',
};

/** trainingOptions' names for what the CLI calls by its flags. */
const FLAG_WORDS: readonly [RegExp, string][] = [
  [/\binitialLearnRate\b/g, '--lr'],
  [/\bmini-batch size (\d+)/g, '--batch-size $1'],
  [/\bminiBatchSize\b/g, '--batch-size'],
  [/\bmaxEpochs\b/g, '--epochs'],
  [/\bvalidationFrequency\b/g, '--validation-frequency'],
];

/**
 * Functions whose name a file's refusal can carry inside it (`model.json: planNetwork: layer 2 …`,
 * a FormatError naming the file around the library's own message): dropped, the file stays.
 */
const INNER_NAMES = /(^|: )(?:planNetwork|layersFromConfig|assembleNetwork|loadStateDict|loadModel): /g;

/** A name as code spells it (camelCase, a Class, Class.method), not a word or a flag. */
const CODE_NAME = /^(?:[a-z]+[A-Z][A-Za-z0-9]*|[A-Z][A-Za-z0-9]*(?:\.[a-z][A-Za-z0-9]*)?)$/;

/**
 * The message the user reads for `error`: a ShapeError's or ValueError's function name replaced
 * by its user term (or dropped), training options named by their flags. Other errors unchanged.
 */
export function inUserTerms(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(INNER_NAMES, '$1');
  if (!(error instanceof ShapeError || error instanceof ValueError)) return message;
  const op = error.op;
  const prefix = `${op}: `;
  if (!message.startsWith(prefix)) return message;
  let rest = message.slice(prefix.length);
  if (op === 'trainNetwork' || op === 'trainingOptions')
    for (const [pattern, flag] of FLAG_WORDS) rest = rest.replace(pattern, flag);
  const entry = Object.hasOwn(USER_TERMS, op) ? USER_TERMS[op] : undefined;
  const term = typeof entry === 'function' ? entry(rest) : entry;
  if (term !== undefined) return term ? `${term}: ${rest}` : rest;
  // A layer factory is the user's own word (model.json); any other function name is dropped.
  if (/Layer$/.test(op) || !CODE_NAME.test(op)) return message;
  return rest;
}
