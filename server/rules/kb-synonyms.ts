/**
 * rules/kb-synonyms.yaml (知识库同义词): groups of words a caller may say for the same
 * thing. Checked like every rules file (schema, then a RulesError naming file, line and
 * column); a word may stand in one group only, or search would widen it unpredictably.
 */
import { Type } from 'typebox';
import { defaultRulesDir, readFile, RulesError, type RuleProblem } from './load.ts';

export const KB_SYNONYMS_FILE = 'kb-synonyms.yaml';

const Word = Type.String({ minLength: 1, maxLength: 16, pattern: '^\\S+$' });
export const KbSynonymsFile = Type.Object(
  { groups: Type.Array(Type.Array(Word, { minItems: 2, maxItems: 24 }), { minItems: 1 }) },
  { additionalProperties: false },
);

/** The groups, each word lower-cased as the segmenter gives it. */
export function loadKbSynonyms(dir: string = defaultRulesDir): string[][] {
  const problems: RuleProblem[] = [];
  const read = readFile(dir, KB_SYNONYMS_FILE, KbSynonymsFile, problems);
  if (read.value === undefined) throw new RulesError(problems);
  const groups = (read.value as { groups: string[][] }).groups.map((g) => g.map((w) => w.normalize('NFKC').toLowerCase()));
  const seen = new Map<string, number>();
  groups.forEach((g, i) =>
    g.forEach((w) => {
      const first = seen.get(w);
      if (first !== undefined)
        problems.push({ file: KB_SYNONYMS_FILE, line: 1, column: 1, reason: `"${w}" is in group ${first + 1} and group ${i + 1}` });
      else seen.set(w, i);
    }),
  );
  if (problems.length > 0) throw new RulesError(problems);
  return groups;
}
