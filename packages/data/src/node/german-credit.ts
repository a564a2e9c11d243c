/// <reference types="node" />
import { fileURLToPath } from 'node:url';
import { type GermanCredit, parseGermanCredit } from '../german-credit.js';
import { readBytes } from './read-idx-file.js';

/**
 * The path of the bundled german.data. Resolved from this module's own location, which is
 * src/node/ or dist/node/, both two levels below the package root that holds datasets/.
 */
export function germanCreditPath(): string {
  return fileURLToPath(new URL('../../datasets/german-credit/german.data', import.meta.url));
}

/** The 1,000 German Credit applications bundled with this package (700 good, 300 bad). */
export function loadGermanCredit(path = germanCreditPath()): GermanCredit {
  return parseGermanCredit(new TextDecoder().decode(readBytes(path, 'loadGermanCredit')), path);
}
