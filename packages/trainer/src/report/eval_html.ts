import { type EvalReport, perClassAccuracy } from './eval_report.js';
import { esc, pct } from './html_util.js';

/** Classes beyond which the matrix is left out (it would be unreadable); the tables stay. */
export const MAX_MATRIX_CLASSES = 100;

/**
 * The confusion matrix as a table: rows are true classes, columns predictions, cells shaded by
 * their share of the row (green on the diagonal, red off it, where even a few stand out).
 */
export function confusionTable(r: EvalReport): string {
  const c = r.classNames.length;
  if (c > MAX_MATRIX_CLASSES)
    return `<p>${c} classes: the matrix is left out; the per-class table lists each class's most frequent confusion.</p>`;
  const short = c > 20;
  const name = (i: number) => (short ? String(i) : esc(r.classNames[i]!));
  const head = r.classNames.map((n, i) => `<th title="${esc(n)}">${name(i)}</th>`).join('');
  const rows = r.confusion
    .map((row, t) => {
      const total = row.reduce((a, b) => a + b, 0);
      const cells = row
        .map((n, p) => {
          const share = total ? n / total : 0;
          const bg =
            n === 0
              ? ''
              : t === p
                ? `background:rgba(44,160,44,${(0.15 + 0.85 * share).toFixed(2)})`
                : `background:rgba(214,39,40,${(0.15 + 0.85 * Math.sqrt(share)).toFixed(2)})`;
          return `<td style="${bg}" title="true ${esc(r.classNames[t]!)}, predicted ${esc(r.classNames[p]!)}: ${n}">${n || ''}</td>`;
        })
        .join('');
      return `<tr><th title="${esc(r.classNames[t]!)}">${name(t)}</th>${cells}<td class="total">${total}</td></tr>`;
    })
    .join('');
  return `<table class="confusion"><thead><tr><th>true \\ predicted</th>${head}<th>images</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Accuracy of each class and what it is most often taken for. */
export function perClassTable(r: EvalReport): string {
  const rows = perClassAccuracy(r.confusion)
    .map((a, i) => {
      const bar = Number.isFinite(a.accuracy)
        ? `<span class="bar" style="width:${(60 * a.accuracy).toFixed(1)}px"></span>`
        : '';
      const confused = a.confusedWith
        ? `${esc(r.classNames[a.confusedWith.cls]!)} (${a.confusedWith.count})`
        : '';
      return `<tr><th>${esc(r.classNames[i]!)}</th><td>${a.count}</td><td>${a.correct}</td><td>${bar}${Number.isFinite(a.accuracy) ? pct(a.accuracy) : '–'}</td><td>${confused}</td></tr>`;
    })
    .join('');
  return `<table class="per-class"><thead><tr><th>class</th><th>images</th><th>correct</th><th>accuracy</th><th>most often predicted instead</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Test images with their predicted and true labels, mistakes first. */
export function samplesGrid(r: EvalReport): string {
  const shown = r.samples.filter((s) => s.image !== undefined);
  if (shown.length === 0) return '';
  const wrong = shown.filter((s) => s.label !== s.predicted).length;
  const cells = shown
    .map((s) => {
      const ok = s.label === s.predicted;
      const pred = esc(r.classNames[s.predicted]!);
      const truth = esc(r.classNames[s.label]!);
      return `<figure class="sample ${ok ? 'right' : 'wrong'}"><img src="${s.image}" alt="test image ${s.index}: ${truth}, predicted ${pred}" width="64" height="64"><figcaption><b>${pred}</b> ${(100 * s.confidence).toFixed(0)}%<br>${ok ? 'correct' : `true: ${truth}`}<br><small>#${s.index}</small></figcaption></figure>`;
    })
    .join('');
  return `<p>${wrong} mistakes (most confident first), then the least confident correct answers.</p><div class="samples">${cells}</div>`;
}

/** The evaluation section of a run: figures, matrix, per-class table and images. */
export function evalSection(r: EvalReport): string {
  const by = r.source === 'train' ? 'at the end of training' : 'by igc eval --report';
  return `<p>${esc(r.model)} after ${r.epoch} epoch(s) on ${r.count} ${esc(r.dataset)} ${esc(r.split)} images (${by}): top-1 error ${pct(r.top1Error)}.</p>
<h4>Confusion matrix</h4><div class="scroll">${confusionTable(r)}</div>
<h4>Per-class accuracy</h4>${perClassTable(r)}
<h4>Test images</h4>${samplesGrid(r)}`;
}
