import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Unavailable } from '../runner.js';

/**
 * Imports a Nabla package that may not have landed yet (layers, optim, models, cli are written in
 * parallel with this bench). First as a dependency of @nabla/bench; failing that, from its source
 * in this workspace (until bench/package.json lists it); failing both, the rows that need it
 * report n/a instead of stopping the suite.
 */
export async function importNabla<T>(
  name: 'layers' | 'optim' | 'models' | 'autograd' | 'tensor',
): Promise<T> {
  const specifier = `@nabla/${name}`;
  try {
    return (await import(specifier)) as T;
  } catch (first) {
    const source = path.resolve(import.meta.dirname, '..', '..', '..', 'packages', name, 'src', 'index.ts');
    if (!existsSync(source)) throw new Unavailable(`${specifier} has not landed`);
    try {
      return (await import(pathToFileURL(source).href)) as T;
    } catch (second) {
      const why = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0] : String(e));
      throw new Unavailable(`${specifier} does not load: ${why(first)}; from source: ${why(second)}`);
    }
  }
}

/** Looks up an export by name and says which one is missing, rather than failing deep in a call. */
export function requireExport<T>(module: unknown, pkg: string, name: string): T {
  const value = (module as Record<string, unknown>)[name];
  if (value === undefined) throw new Unavailable(`@nabla/${pkg} has no export '${name}' yet`);
  return value as T;
}

/** Nabla's settings as this run has them: the backend, and any NABLA_* variables (threads, strict mode). */
export function nablaSettings(backend: string): Record<string, string> {
  const env = Object.entries(process.env)
    .filter(([k]) => k.startsWith('NABLA_'))
    .map(([k, v]) => `${k}=${v}`);
  return { backend, ...(env.length ? { env: env.join(' ') } : {}) };
}
