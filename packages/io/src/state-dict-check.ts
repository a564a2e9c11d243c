import { FormatError, formatShape, type NDArray } from '@nabla/tensor';

/** How a loaded set of tensors differs from what a model expects, name by name. */
export interface StateDictMismatch {
  /** Names the model has and the file lacks. */
  missing: string[];
  /** Names the file has and the model lacks. */
  unexpected: string[];
  /** Names in both whose shapes differ. */
  misshaped: { name: string; expected: readonly number[]; actual: readonly number[] }[];
}

/** Compares a model's parameter shapes with loaded tensors; every list is empty when they fit. */
export function compareStateDict(
  model: ReadonlyMap<string, readonly number[]>,
  loaded: ReadonlyMap<string, NDArray>,
): StateDictMismatch {
  const missing: string[] = [];
  const misshaped: StateDictMismatch['misshaped'] = [];
  for (const [name, expected] of model) {
    const t = loaded.get(name);
    if (t === undefined) missing.push(name);
    else if (t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
      misshaped.push({ name, expected, actual: t.shape });
    }
  }
  const unexpected = [...loaded.keys()].filter((name) => !model.has(name));
  return { missing, unexpected, misshaped };
}

/**
 * Refuses loaded tensors that do not fit a model exactly, with ONE message that lists everything
 * wrong at once (a user fixing a conversion script wants the whole list, not the first name):
 * `lenet.safetensors: does not fit the model: missing 0.bias; unexpected 0.b; 3.weight is [16,1,3,3], expected [16,1,5,5]`.
 * This is the file-level check; the layers package's loadStateDict also checks as it copies.
 */
export function checkStateDict(
  model: ReadonlyMap<string, readonly number[]>,
  loaded: ReadonlyMap<string, NDArray>,
  source = 'state dict',
): void {
  const { missing, unexpected, misshaped } = compareStateDict(model, loaded);
  // Ten names of each kind at most, then a count: a file with 200,000 stray tensors gives one short line.
  const list = (names: readonly string[], sep: string) =>
    names.length > 10
      ? `${names.slice(0, 10).join(sep)}${sep}… and ${names.length - 10} more`
      : names.join(sep);
  const problems: string[] = [];
  if (missing.length > 0) problems.push(`missing ${list(missing, ', ')}`);
  if (unexpected.length > 0) problems.push(`unexpected ${list(unexpected, ', ')}`);
  if (misshaped.length > 0)
    problems.push(
      list(
        misshaped.map((m) => `${m.name} is ${formatShape(m.actual)}, expected ${formatShape(m.expected)}`),
        '; ',
      ),
    );
  if (problems.length > 0) throw new FormatError(source, `does not fit the model: ${problems.join('; ')}`);
}
