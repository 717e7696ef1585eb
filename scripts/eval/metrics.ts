/**
 * Scoring a classifier against labelled lines: accuracy per field, recall per
 * value, the most frequent confusions. Pure: the command and the tests feed it
 * pairs of (expected, got) per field.
 */
export interface FieldScore {
  field: string;
  total: number;
  correct: number;
  /** value → { total, correct }: how much of each expected value was found. */
  recall: Map<string, { total: number; correct: number }>;
  /** "expected → got" → count, for the wrong ones. */
  confusions: Map<string, number>;
}

export class Scorer {
  private readonly fields = new Map<string, FieldScore>();

  add(field: string, expected: string | null | undefined, got: string | null | undefined): void {
    if (expected === undefined || expected === null) return;
    let f = this.fields.get(field);
    if (!f) this.fields.set(field, (f = { field, total: 0, correct: 0, recall: new Map(), confusions: new Map() }));
    const ok = expected === got;
    f.total++;
    if (ok) f.correct++;
    const r = f.recall.get(expected) ?? { total: 0, correct: 0 };
    r.total++;
    if (ok) r.correct++;
    f.recall.set(expected, r);
    if (!ok) {
      const key = `${expected} → ${got ?? '(none)'}`;
      f.confusions.set(key, (f.confusions.get(key) ?? 0) + 1);
    }
  }

  get(field: string): FieldScore | undefined {
    return this.fields.get(field);
  }

  all(): FieldScore[] {
    return [...this.fields.values()];
  }
}

export const accuracy = (f: { total: number; correct: number } | undefined) => (f && f.total ? f.correct / f.total : 0);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The report as a person reads it: a block per field, worst recalls and top confusions first. */
export function formatReport(scorer: Scorer, extra: string[] = [], top = 10): string {
  const out: string[] = [];
  for (const f of scorer.all()) {
    out.push(`${f.field}: ${pct(accuracy(f))} (${f.correct}/${f.total})`);
    const recalls = [...f.recall].sort((a, b) => accuracy(a[1]) - accuracy(b[1]) || b[1].total - a[1].total);
    const shown = f.recall.size <= 12 ? recalls : recalls.slice(0, top);
    out.push(`  recall${f.recall.size > 12 ? ` (lowest ${top} of ${f.recall.size})` : ''}:`);
    for (const [value, r] of shown) out.push(`    ${value.padEnd(32)} ${pct(accuracy(r)).padStart(6)}  (${r.correct}/${r.total})`);
    const confusions = [...f.confusions].sort((a, b) => b[1] - a[1]).slice(0, top);
    if (confusions.length) out.push('  most frequent confusions:');
    for (const [pair, n] of confusions) out.push(`    ${String(n).padStart(4)}  ${pair}`);
  }
  return [...out, ...extra].join('\n');
}
