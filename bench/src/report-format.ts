/** A figure with three significant digits or so: 2.28, 28.4, 1408. */
export function formatFigure(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}
