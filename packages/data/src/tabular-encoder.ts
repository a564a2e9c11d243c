import { FormatError, NDArray, ValueError } from '@nabla/tensor';

/** A column of a table: a number to standardize, or a category to one-hot encode. */
export type ColumnSpec =
  | {
      /** The column's key in each row. */
      name: string;
      /** A number, standardized. */
      kind: 'numeric';
    }
  | {
      /** The column's key in each row. */
      name: string;
      /** A category, one-hot encoded. */
      kind: 'categorical';
      /** Fixes the one-hot columns and their order; by default they are the values seen in fit, sorted. */
      categories?: readonly string[];
    };

/** A value in a tabular row: a number, or a category's name. */
export type TabularValue = string | number;
/** A row of named values. */
export type TabularRow = Readonly<Record<string, TabularValue>>;

/** Options of {@link TabularEncoder}. */
export interface TabularEncoderOptions {
  /**
   * A category at transform time that fit did not see: 'error' (the default) refuses it naming the
   * column and value; 'ignore' encodes it as all zeros in that column's one-hot block.
   */
  unknown?: 'error' | 'ignore';
}

type FittedColumn =
  | { name: string; kind: 'numeric'; mean: number; std: number }
  | { name: string; kind: 'categorical'; categories: string[] };

/** What toJSON writes and fromJSON reads: enough to encode a new row exactly as in training. */
export interface TabularEncoderJSON {
  /** Identifies the JSON. */
  format: 'nabla.tabular-encoder';
  /** The JSON's version. */
  version: 1;
  /** What to do with a category fit did not see. */
  unknown: 'error' | 'ignore';
  /** Each column's fitted statistics or categories. */
  columns: FittedColumn[];
}

/**
 * Turns rows of named values into a float32 matrix [N, features]: numeric columns standardized,
 * (x − mean) / std, and categorical columns one-hot encoded. `fit` learns the means, standard
 * deviations (population, divisor n; a constant column gets std 1) and the categories from the
 * training rows only, so nothing of the validation or test rows leaks into the encoding.
 */
export class TabularEncoder {
  /** The columns, in output order. */
  readonly columns: readonly ColumnSpec[];
  /** What to do with a category fit did not see. */
  readonly unknown: 'error' | 'ignore';
  private fittedColumns: FittedColumn[] | null = null;

  constructor(columns: readonly ColumnSpec[], options: TabularEncoderOptions = {}) {
    if (columns.length === 0) throw new ValueError('TabularEncoder', 'needs at least one column');
    const names = new Set<string>();
    for (const c of columns) {
      if (c.kind !== 'numeric' && c.kind !== 'categorical') {
        const bad = c as { name: string; kind: string };
        throw new ValueError(
          'TabularEncoder',
          `column '${bad.name}' has kind '${bad.kind}', expected 'numeric' or 'categorical'`,
        );
      }
      if (names.has(c.name)) throw new ValueError('TabularEncoder', `column '${c.name}' appears twice`);
      names.add(c.name);
    }
    const unknown = options.unknown ?? 'error';
    if (unknown !== 'error' && unknown !== 'ignore') {
      throw new ValueError('TabularEncoder', `unknown must be 'error' or 'ignore', got '${unknown}'`);
    }
    this.columns = columns;
    this.unknown = unknown;
  }

  /** Whether fit has run. */
  get fitted(): boolean {
    return this.fittedColumns !== null;
  }

  /** Learns the encoding from `rows` (or only the rows at `indices`: the training part). */
  fit(rows: readonly TabularRow[], indices?: ArrayLike<number>): this {
    const op = 'TabularEncoder.fit';
    const train = select(op, rows, indices);
    if (train.length === 0) throw new ValueError(op, 'no rows to fit on');
    this.fittedColumns = this.columns.map((c): FittedColumn => {
      if (c.kind === 'numeric') {
        const values = train.map((r) => numericValue(rows[r]!, c.name, r, op));
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
        return { name: c.name, kind: 'numeric', mean, std: std > 0 ? std : 1 };
      }
      const seen = new Set(train.map((r) => categoryValue(rows[r]!, c.name, r, op)));
      if (c.categories) {
        const allowed = new Set(c.categories);
        for (const v of seen) {
          if (!allowed.has(v)) {
            throw new ValueError(
              'TabularEncoder.fit',
              `column '${c.name}' has '${v}', not one of its categories ${c.categories.join(', ')}`,
            );
          }
        }
        return { name: c.name, kind: 'categorical', categories: [...c.categories] };
      }
      return { name: c.name, kind: 'categorical', categories: [...seen].sort() };
    });
    return this;
  }

  /** The names of the output columns, in order: 'age' for a number, 'purpose=A43' for a category. */
  get featureNames(): string[] {
    return this.fitted_('featureNames').flatMap((c) =>
      c.kind === 'numeric' ? [c.name] : c.categories.map((v) => `${c.name}=${v}`),
    );
  }

  /** Encodes rows (or the rows at `indices`) as a float32 matrix [N, featureNames.length]. */
  transform(rows: readonly TabularRow[], indices?: ArrayLike<number>): NDArray {
    const op = 'TabularEncoder.transform';
    const columns = this.fitted_(op);
    const picked = select(op, rows, indices);
    const width = columns.reduce((w, c) => w + (c.kind === 'numeric' ? 1 : c.categories.length), 0);
    const out = new Float32Array(picked.length * width);
    const lookups = columns.map((c) =>
      c.kind === 'categorical' ? new Map(c.categories.map((v, i) => [v, i])) : null,
    );
    picked.forEach((r, n) => {
      const row = rows[r]!;
      let at = n * width;
      columns.forEach((c, k) => {
        if (c.kind === 'numeric') {
          out[at++] = (numericValue(row, c.name, r, op) - c.mean) / c.std;
          return;
        }
        const v = categoryValue(row, c.name, r, op);
        const slot = lookups[k]!.get(v);
        if (slot !== undefined) out[at + slot] = 1;
        else if (this.unknown === 'error') {
          throw new ValueError(
            op,
            `row ${r}: column '${c.name}' has '${v}', unseen in fit (known: ${c.categories.join(', ')})`,
          );
        }
        at += c.categories.length;
      });
    });
    return new NDArray(out, [picked.length, width]);
  }

  /** fit then transform, on the same rows. */
  fitTransform(rows: readonly TabularRow[], indices?: ArrayLike<number>): NDArray {
    return this.fit(rows, indices).transform(rows, indices);
  }

  /** The fitted encoder as plain JSON (see {@link TabularEncoder.fromJSON}). */
  toJSON(): TabularEncoderJSON {
    const columns = this.fitted_('TabularEncoder.toJSON');
    return {
      format: 'nabla.tabular-encoder',
      version: 1,
      unknown: this.unknown,
      columns: columns.map((c) =>
        c.kind === 'numeric' ? { ...c } : { ...c, categories: [...c.categories] },
      ),
    };
  }

  /** Rebuilds a fitted encoder from toJSON's output (an object or its JSON text), checking every field. */
  static fromJSON(json: unknown): TabularEncoder {
    const source = 'TabularEncoder.fromJSON';
    const fail = (what: string): never => {
      throw new FormatError(source, what);
    };
    if (typeof json === 'string') {
      try {
        json = JSON.parse(json);
      } catch (e) {
        fail(`not JSON: ${(e as Error).message}`);
      }
    }
    const j = json as Partial<TabularEncoderJSON> | null;
    if (!j || typeof j !== 'object') return fail('expected an object');
    if (j.format !== 'nabla.tabular-encoder' || j.version !== 1) {
      fail(`expected format 'nabla.tabular-encoder' version 1, got '${j.format}' version ${j.version}`);
    }
    if (j.unknown !== 'error' && j.unknown !== 'ignore')
      fail(`unknown must be 'error' or 'ignore', got '${j.unknown}'`);
    if (!Array.isArray(j.columns) || j.columns.length === 0) return fail('columns must be a non-empty array');
    const fitted = j.columns.map((c: FittedColumn, i: number): FittedColumn => {
      if (!c || typeof c.name !== 'string') fail(`column ${i} has no name`);
      if (c.kind === 'numeric') {
        if (!Number.isFinite(c.mean) || !(Number.isFinite(c.std) && c.std > 0)) {
          fail(
            `numeric column '${c.name}' needs a finite mean and a positive std, got ${c.mean} and ${c.std}`,
          );
        }
        return { name: c.name, kind: 'numeric', mean: c.mean, std: c.std };
      }
      if (c.kind === 'categorical') {
        if (!Array.isArray(c.categories) || c.categories.some((v) => typeof v !== 'string')) {
          fail(`categorical column '${c.name}' needs an array of strings as categories`);
        }
        return { name: c.name, kind: 'categorical', categories: [...c.categories] };
      }
      const bad = c as { name: string; kind: unknown };
      return fail(`column '${bad.name}' has kind '${bad.kind}', expected 'numeric' or 'categorical'`);
    });
    const specs: ColumnSpec[] = fitted.map((c) =>
      c.kind === 'numeric'
        ? { name: c.name, kind: 'numeric' }
        : { name: c.name, kind: 'categorical', categories: c.categories },
    );
    let encoder: TabularEncoder;
    try {
      encoder = new TabularEncoder(specs, { unknown: j.unknown });
    } catch (e) {
      return fail((e as Error).message);
    }
    encoder.fittedColumns = fitted;
    return encoder;
  }

  private fitted_(op: string): FittedColumn[] {
    if (!this.fittedColumns)
      throw new ValueError(op, 'the encoder is not fitted: call fit(trainingRows) first');
    return this.fittedColumns;
  }
}

/** The row numbers to use (all by default), checked; messages name rows by these numbers. */
function select(op: string, rows: readonly TabularRow[], indices?: ArrayLike<number>): number[] {
  if (!indices) return rows.map((_, i) => i);
  return Array.from(indices, (i) => {
    if (!Number.isInteger(i) || i < 0 || i >= rows.length)
      throw new ValueError(op, `index ${i} is out of range [0, ${rows.length})`);
    return i;
  });
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : typeof v === 'string' ? `'${v}'` : String(v);
}

function numericValue(row: TabularRow, name: string, r: number, op: string): number {
  const v = row[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ValueError(op, `row ${r}: numeric column '${name}' needs a finite number, got ${show(v)}`);
  }
  return v;
}

function categoryValue(row: TabularRow, name: string, r: number, op: string): string {
  const v = row[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new ValueError(op, `row ${r}: categorical column '${name}' needs a string, got ${show(v)}`);
}
