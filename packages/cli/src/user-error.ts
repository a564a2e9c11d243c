import { printable } from '@nabla/models';
import { FormatError, ShapeError, ValueError } from '@nabla/tensor';

/**
 * A refusal the user can act on (a missing file, a bad flag, a corrupted checkpoint): the CLI
 * prints its message as one line on stderr and exits with code 2, never with a stack trace.
 */
export class UserError extends Error {
  override name = 'UserError';
}

/** Exit code of every refusal of the user's input (files, flags, data). */
export const USER_ERROR_EXIT = 2;

/**
 * Whether an error describes the user's input rather than a bug: our own refusals, the three
 * errors every Nabla package throws for bad data or files, and the file system's "no such file".
 */
export function isUserError(error: unknown): error is Error {
  if (error instanceof UserError || error instanceof FormatError || error instanceof ShapeError) return true;
  if (error instanceof ValueError) return true;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && ['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES', 'EEXIST'].includes(code);
}

/** The longest message printed, in characters; the rest is counted, not shown. */
export const MAX_MESSAGE_LENGTH = 500;

/**
 * The error as the one line the user sees: newlines folded (a message never spans lines), every
 * other control character escaped (`\u001b`: text from a file never drives the terminal), and
 * cut at MAX_MESSAGE_LENGTH characters.
 */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = printable(text.replace(/\s*\n\s*/g, ' ').trim(), Number.POSITIVE_INFINITY);
  return line.length > MAX_MESSAGE_LENGTH
    ? `${line.slice(0, MAX_MESSAGE_LENGTH)}… (${line.length - MAX_MESSAGE_LENGTH} more characters)`
    : line;
}
