// On a source page (docs/source/…), highlights the lines named by the address's hash — #L12 or
// #L3-L17 — and scrolls the first of them into view. Runs in the browser only.
const highlighted = 'source-line-highlighted';

/** The line range a hash names, or undefined. */
export function lineRange(hash: string): { first: number; last: number } | undefined {
  const match = /^#L(\d+)(?:-L(\d+))?$/.exec(hash);
  if (!match) return undefined;
  const a = Number(match[1]);
  const b = match[2] === undefined ? a : Number(match[2]);
  return { first: Math.min(a, b), last: Math.max(a, b) };
}

/** Applies the current hash's highlight (and clears the previous one). */
export function highlightSourceLines(scroll = true): void {
  if (typeof document === 'undefined') return;
  document.querySelectorAll(`.${highlighted}`).forEach((line) => {
    line.classList.remove(highlighted);
  });
  const range = lineRange(window.location.hash);
  if (!range) return;
  let first: Element | null = null;
  for (let n = range.first; n <= range.last; n++) {
    const line = document.getElementById(`L${n}`);
    if (!line) continue;
    line.classList.add(highlighted);
    first ??= line;
  }
  if (scroll && first) first.scrollIntoView({ block: range.first === range.last ? 'center' : 'start' });
}
