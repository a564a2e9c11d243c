/**
 * The seed policy of every property test (fast-check) in Nabla: each run draws a fresh seed, so CI
 * does not re-check the same cases forever; the seed is printed, and a failure is replayed by
 * setting it back:
 *
 *   NABLA_SEED=<seed> pnpm --filter @nabla/<pkg> test
 *
 * fast-check's failure report adds the counterexample's path; NABLA_SEED_PATH=<path> (with the
 * same NABLA_SEED and --test-name-pattern on the failing property) replays that one case directly.
 * Test helpers only: library code draws from the seeded Random, never from here.
 */

// Test files run under Node; this module stays free of Node's types (the package is browser-safe).
const host = globalThis as unknown as {
  process?: { env: Record<string, string | undefined> };
  crypto?: { getRandomValues(a: Uint32Array): Uint32Array };
  console?: { log(line: string): void };
};

let chosen: number | undefined;

/** NABLA_SEED's value when it is set (refused unless an integer in [0, 2³¹)), otherwise `fresh`. */
export function chooseSeed(given: string | undefined, fresh: number): number {
  if (given === undefined || given === '') return fresh;
  const seed = Number(given);
  if (!/^\s*\d+\s*$/.test(given) || !Number.isSafeInteger(seed) || seed >= 2 ** 31) {
    throw new Error(`NABLA_SEED must be an integer in [0, 2^31), got '${given}'`);
  }
  return seed;
}

/** A seed in [0, 2³¹): NABLA_SEED when it is set, otherwise fresh for this process; printed once. */
export function propertySeed(): number {
  if (chosen !== undefined) return chosen;
  const given = host.process?.env.NABLA_SEED;
  const word = new Uint32Array(1);
  if (host.crypto) host.crypto.getRandomValues(word);
  else word[0] = Date.now();
  chosen = chooseSeed(given, word[0]! >>> 1);
  host.console?.log(
    `property tests: seed ${chosen}${given ? ' (from NABLA_SEED)' : ''}; replay with NABLA_SEED=${chosen}`,
  );
  return chosen;
}

/**
 * fast-check parameters with the run's seed (and NABLA_SEED_PATH's counterexample path, if set):
 * pass them to `fc.assert(property, propertyParameters({ numRuns: 40 }))`, or once per file to
 * `fc.configureGlobal(propertyParameters())`.
 */
export function propertyParameters<T extends object>(
  parameters: T = {} as T,
): T & { seed: number; path?: string } {
  const path = host.process?.env.NABLA_SEED_PATH;
  return { ...parameters, seed: propertySeed(), ...(path ? { path } : {}) };
}
