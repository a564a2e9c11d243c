import { readFileSync } from 'node:fs';

/**
 * The CLI's version, read from its own package.json (one directory above both src/ and dist/), so
 * `nabla --version` always says what npm installed and a release only has to bump package.json.
 */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
