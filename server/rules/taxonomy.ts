/**
 * The taxonomy from rules/matters/*.yaml: families, their matters and each
 * matter's route (the dispatch catalogue), checked across files. Words are
 * stored as the classifier matches them: normalised and folded to simplified.
 */
import type { Document, LineCounter } from 'yaml';
import { foldText } from '../core/matching.ts';
import type { Category, Departments, Family, Keyword, Route } from '../core/rules.ts';
import type { MattersData } from './schema.ts';

interface Parsed {
  file: string;
  doc: Document;
  lines: LineCounter;
}
type Report = (parsed: Parsed, at: (string | number)[], reason: string) => void;

/** A matter with words needs at least this many examples: they test its words and train the model. */
export const MIN_EXAMPLES = 3;

export interface Taxonomy {
  families: Family[];
  categories: Category[];
  routes: Map<string, Route>;
}

export function taxonomyOf(
  files: { parsed: Parsed; data: MattersData }[],
  departments: Departments,
  fold: ReadonlyMap<string, string>,
  report: Report,
): Taxonomy {
  const families: Family[] = [];
  const categories: Category[] = [];
  const routes = new Map<string, Route>();
  const familyCodes = new Set<string>();
  // word → where it was first seen, to find a word shared by two matters with the same weight.
  const seen = new Map<string, { code: string; weight: number }[]>();

  for (const { parsed, data } of files) {
    const { family } = data;
    if (familyCodes.has(family.code)) report(parsed, ['family', 'code'], `duplicate family code "${family.code}"`);
    familyCodes.add(family.code);
    families.push({ code: family.code, name: family.name });

    data.matters.forEach((m, i) => {
      const at = (...rest: (string | number)[]) => ['matters', i, ...rest];
      if (routes.has(m.code)) report(parsed, at('code'), `duplicate matter code "${m.code}"`);
      const level = m.owner === 'city_department' ? 'city' : m.owner === 'district_department' ? 'district' : null;
      if (level && !m.department) report(parsed, at(), `owner ${m.owner} needs a department`);
      if (level && m.department && !departments[level].some((d) => d.key === m.department)) {
        report(parsed, at('department'), `no ${level} department with key "${m.department}" in departments.yaml`);
      }
      if (!level && m.department) report(parsed, at('department'), `owner ${m.owner} takes no department`);
      routes.set(m.code, { category: m.code, owner: m.owner, ...(m.department ? { department: m.department } : {}) });

      const keywords: Keyword[] = [];
      const mine = new Set<string>();
      m.keywords.forEach((k, j) => {
        const word = foldText(typeof k === 'string' ? k : k.word, fold);
        const weight = typeof k === 'string' ? 1 : k.weight;
        if (mine.has(word)) report(parsed, at('keywords', j), `"${word}" is listed twice in ${m.code}`);
        mine.add(word);
        keywords.push({ word, weight });
        const others = seen.get(word) ?? [];
        const same = others.find((o) => o.weight === weight);
        if (same) {
          report(parsed, at('keywords', j), `"${word}" is in ${same.code} and ${m.code} with the same weight ${weight}: weigh it less where it tells less`);
        }
        others.push({ code: m.code, weight });
        seen.set(word, others);
      });
      if (!m.fallback) {
        if (keywords.length === 0) report(parsed, at('keywords'), `matter "${m.code}" has no keywords`);
        if (m.examples.length < MIN_EXAMPLES) report(parsed, at('examples'), `matter "${m.code}" needs at least ${MIN_EXAMPLES} examples`);
      }
      categories.push({
        code: m.code,
        name: m.name,
        family: family.code,
        keywords,
        exclusions: (m.exclusions ?? []).map((w) => foldText(w, fold)),
        examples: m.examples,
        fallback: m.fallback ?? false,
      });
    });
  }
  const fallbacks = categories.filter((c) => c.fallback);
  if (fallbacks.length !== 1 && files[0]) {
    report(files[0].parsed, ['matters'], `exactly one matter must be the fallback, found ${fallbacks.length}`);
  }
  return { families, categories, routes };
}
