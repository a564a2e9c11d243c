/**
 * Ctrl-C during training. The first SIGINT asks the run to stop after the mini-batch in progress
 * (training checks `requested` between iterations and yields to the event loop there, so the
 * signal is seen at once); the command then saves what it can and throws `Interrupted`, which
 * the program turns into exit code 130 (128 + SIGINT, what a shell reports for Ctrl-C). A second
 * SIGINT does not wait: it shows the terminal cursor again (the progress bar hides it) and exits.
 */

/** Exit code of a run the user interrupted: 128 + SIGINT's number 2, as shells report it. */
export const INTERRUPT_EXIT = 130;

/** What a command throws once it has stopped for a Ctrl-C; `message` is what the user reads. */
export class Interrupted extends Error {
  override name = 'Interrupted';
}

/** ANSI "show cursor": cli-progress hides the cursor while its bar is drawn. */
const SHOW_CURSOR = '\u001b[?25h';

export interface InterruptWatch {
  /** Whether Ctrl-C has been pressed since `watchInterrupt()`. */
  readonly requested: boolean;
  /** Removes the handler: a later Ctrl-C kills the process as usual. */
  dispose(): void;
}

/**
 * Installs the SIGINT handler for a training run; `onFirst` runs at the first Ctrl-C (stop the
 * progress bar, say that the run is stopping).
 */
export function watchInterrupt(onFirst: () => void): InterruptWatch {
  let requested = false;
  const handler = () => {
    if (requested) {
      if (process.stdout.isTTY) process.stdout.write(SHOW_CURSOR);
      process.stderr.write('nabla: interrupted twice: stopped without saving\n');
      process.exit(INTERRUPT_EXIT);
    }
    requested = true;
    onFirst();
  };
  process.on('SIGINT', handler);
  return {
    get requested() {
      return requested;
    },
    dispose: () => {
      process.off('SIGINT', handler);
    },
  };
}

/**
 * Lets a pending signal be handled: an iteration runs synchronously, so without a macrotask
 * between iterations the SIGINT handler would wait for the whole run.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** An argument as a POSIX shell reads it back: bare when safe, else single-quoted. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
