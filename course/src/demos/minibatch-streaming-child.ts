/**
 * Runs one trainFromFiles in a fresh process (started by minibatch-streaming.ts with --expose-gc),
 * so that each run's memory is measured from the same clean start, and prints its result as JSON.
 */
import { type FeedSettings, trainFromFiles } from './minibatch-streaming-train.js';

const settings = JSON.parse(process.argv[2]!) as FeedSettings;
process.stdout.write(`${JSON.stringify(trainFromFiles(settings))}\n`);
