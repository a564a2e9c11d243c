import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';

// Parsers for numeric flags: commander reports their refusals as one line, and the CLI exits 2.

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected an integer >= 0.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('expected a positive number.');
  return n;
}

/** A seed: an integer in [0, 2^32) (the generator uses 32 bits; larger would alias). */
export function seed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 0xffffffff)
    throw new InvalidArgumentError('expected an integer from 0 to 4294967295.');
  return n;
}

/**
 * A thread count: 1 up to this machine's parallelism (os.availableParallelism()). More threads
 * than cores only add a worker's memory each and slow the run down.
 */
export function threadCount(value: string): number {
  const n = positiveInt(value);
  const cores = availableParallelism();
  if (n > cores) throw new InvalidArgumentError(`expected at most ${cores} (the cores this machine has).`);
  return n;
}
