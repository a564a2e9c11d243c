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

/** The error as the one line the user sees (newlines folded, so a message never spans lines). */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
