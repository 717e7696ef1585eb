/**
 * 诉求类型: whether a message asks (咨询), begs for help (求助), complains (投诉),
 * reports someone (举报), suggests (建议) or praises (表扬). Pure: one automaton
 * pass over the cues of rules/request-types.yaml; the type with the most weight
 * wins. A message with no cue takes the caller's default: a danger or an outage
 * happening now is a plea for help (求助), else a complaint if it names a matter.
 */
import { AutomatonBuilder, type Automaton } from './automaton.ts';
import { REQUEST_TYPE_LABELS, type RequestType } from './lists.ts';
import { isNegated } from './matching.ts';
import type { RequestTypeRule } from './rules.ts';

export interface RequestTypeFinding {
  code: RequestType;
  name: string;
  /** The cues that decided, as written; empty when the type is the default. */
  cues: string[];
}

export class RequestTypeReader {
  private readonly automaton: Automaton;
  private readonly entries: { type: RequestType; weight: number }[] = [];

  constructor(rules: RequestTypeRule[]) {
    const builder = new AutomatonBuilder();
    for (const rule of rules)
      for (const cue of rule.cues) {
        builder.add(cue.word, this.entries.length);
        this.entries.push({ type: rule.type, weight: cue.weight });
      }
    this.automaton = builder.build();
  }

  /** `text` is normalised and folded; `otherwise` is the type of a message with no cue. */
  read(text: string, otherwise: RequestType): RequestTypeFinding {
    const score = new Map<RequestType, number>();
    const cues = new Map<RequestType, Set<string>>();
    this.automaton.scan(text, (id, start, end) => {
      // 不是举报 / 没有建议 deny the kind of request rather than make it.
      if (isNegated(text, start)) return;
      const { type, weight } = this.entries[id]!;
      const word = text.slice(start, end);
      const seen = cues.get(type) ?? new Set<string>();
      if (seen.has(word)) return;
      seen.add(word);
      cues.set(type, seen);
      score.set(type, (score.get(type) ?? 0) + weight);
    });
    let best: RequestType | null = null;
    for (const [type, s] of score) if (best === null || s > score.get(best)!) best = type;
    const code: RequestType = best ?? otherwise;
    return { code, name: REQUEST_TYPE_LABELS[code], cues: best ? [...cues.get(best)!] : [] };
  }
}
