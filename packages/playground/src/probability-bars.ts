/**
 * The prediction's ten class probabilities as horizontal bars (plain DOM: ten rows redrawn on
 * every stroke need no chart library). The most probable class is highlighted.
 */
export class ProbabilityBars {
  private readonly bars: HTMLElement[] = [];
  private readonly values: HTMLElement[] = [];

  constructor(private readonly root: HTMLElement) {
    root.replaceChildren();
    for (let c = 0; c < 10; c++) {
      const row = document.createElement('div');
      row.className = 'prob-row';
      row.dataset.class = String(c);
      const label = document.createElement('span');
      label.className = 'prob-label';
      label.textContent = String(c);
      const track = document.createElement('span');
      track.className = 'prob-track';
      const bar = document.createElement('span');
      bar.className = 'prob-bar';
      track.append(bar);
      const value = document.createElement('span');
      value.className = 'prob-value';
      row.append(label, track, value);
      root.append(row);
      this.bars.push(bar);
      this.values.push(value);
    }
    this.show(null);
  }

  /** Shows the probabilities (null: empty bars). */
  show(probabilities: readonly number[] | null): void {
    let best = -1;
    if (probabilities) best = probabilities.indexOf(Math.max(...probabilities));
    for (let c = 0; c < 10; c++) {
      const p = probabilities?.[c] ?? 0;
      this.bars[c]!.style.width = `${(100 * p).toFixed(1)}%`;
      this.values[c]!.textContent = probabilities ? `${(100 * p).toFixed(1)}%` : '';
      this.root.children[c]!.classList.toggle('best', c === best);
    }
  }
}
