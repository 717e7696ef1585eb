/**
 * Reads and checks every file under rules/. Either all of them load and agree
 * with each other, or a RulesError lists each problem with file, line, column
 * and reason: the service never runs on half-loaded rules.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { deadlinePolicyProblems } from './deadlines-schema.ts';
import { weightProblems } from '../core/assessment.ts';
import { rubricProblems } from '../core/qa.ts';
import { OBJECTION_REASONS, type ObjectionPolicy } from '../core/objections.ts';
import { MATTERS_DIR, MattersFile, RULE_FILES, type MattersData, type RuleSet } from './schema.ts';
import { taxonomyOf } from './taxonomy.ts';
import { foldText } from '../core/matching.ts';
import { traditionalToSimplified } from './folding.ts';
import { urgencyExampleProblems } from './urgency-examples.ts';

export const defaultRulesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../rules');

export interface RuleProblem {
  file: string;
  line: number;
  column: number;
  reason: string;
}

export class RulesError extends Error {
  constructor(readonly problems: RuleProblem[]) {
    super(`rules are invalid:\n${problems.map((p) => `  ${p.file}:${p.line}:${p.column}: ${p.reason}`).join('\n')}`);
    this.name = 'RulesError';
  }
}

interface Parsed {
  file: string;
  doc: Document;
  lines: LineCounter;
}

const ajv = new Ajv({ allErrors: true, strict: false });

/** Where a path inside a document is; a missing node is reported at its nearest parent. */
function position(p: Parsed, at: (string | number)[]): { line: number; column: number } {
  for (let n = at.length; n >= 0; n--) {
    const node = n === 0 ? p.doc.contents : p.doc.getIn(at.slice(0, n), true);
    if (isNode(node) && node.range) {
      const { line, col } = p.lines.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return { line: 1, column: 1 };
}

function pathOf(error: ErrorObject): (string | number)[] {
  return error.instancePath
    .split('/')
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (params.additionalProperty) return `unknown field "${params.additionalProperty}"`;
  if (params.missingProperty) return `missing field "${params.missingProperty}"`;
  if (params.allowedValues) return `${error.message}: ${(params.allowedValues as unknown[]).join(', ')}`;
  return `${error.instancePath.split('/').pop() || 'document'} ${error.message}`;
}

/** Parse and schema-check one file; its problems go to `problems`, its data is returned when clean. */
export function readFile(dir: string, file: string, schema: object, problems: RuleProblem[]): { parsed?: Parsed; value?: unknown } {
  const full = path.join(dir, file);
  if (!fs.existsSync(full)) {
    problems.push({ file, line: 1, column: 1, reason: 'file is missing' });
    return {};
  }
  const lines = new LineCounter();
  const doc = parseDocument(fs.readFileSync(full, 'utf8'), { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const parsed: Parsed = { file, doc, lines };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lines.linePos(e.pos[0]);
      problems.push({ file, line: pos.line, column: pos.col, reason: e.message.split('\n')[0]! });
    }
    return { parsed };
  }
  const value = doc.toJS();
  const validate = ajv.compile(schema);
  if (!validate(value)) {
    for (const e of validate.errors ?? []) problems.push({ file, ...position(parsed, pathOf(e)), reason: describe(e) });
    return { parsed };
  }
  return { parsed, value };
}

export function loadRules(dir: string = defaultRulesDir): RuleSet {
  const problems: RuleProblem[] = [];
  const parsed: Record<string, Parsed> = {};
  // Each file's data as its schema checked it; the cross-checks below read them by name.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- shaped by RULE_FILES' schemas, checked at run time
  const data: Record<string, any> = {};
  for (const [name, { file, schema }] of Object.entries(RULE_FILES)) {
    const read = readFile(dir, file, schema, problems);
    if (read.parsed) parsed[name] = read.parsed;
    if (read.value !== undefined) data[name] = read.value;
  }
  const matterFiles = fs.existsSync(path.join(dir, MATTERS_DIR))
    ? fs
        .readdirSync(path.join(dir, MATTERS_DIR))
        .filter((f) => f.endsWith('.yaml'))
        .sort()
    : [];
  if (matterFiles.length === 0) problems.push({ file: MATTERS_DIR, line: 1, column: 1, reason: 'no family files (rules/matters/*.yaml)' });
  const matters: MatterFile[] = [];
  for (const f of matterFiles) {
    const read = readFile(dir, `${MATTERS_DIR}/${f}`, MattersFile, problems);
    if (read.value !== undefined) matters.push({ parsed: read.parsed!, data: read.value as MattersData });
  }
  if (problems.length > 0) throw new RulesError(problems);
  return crossCheck(data, parsed, matters);
}

interface MatterFile {
  parsed: Parsed;
  data: MattersData;
}

/** The files refer to each other: every reference must resolve, every code be unique. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see loadRules: data checked by RULE_FILES' schemas
function crossCheck(data: Record<string, any>, parsed: Record<string, Parsed>, matterFiles: MatterFile[]): RuleSet {
  const problems: RuleProblem[] = [];
  const report = (name: string, at: (string | number)[], reason: string) =>
    problems.push({ file: parsed[name]!.file, ...position(parsed[name]!, at), reason });
  const departments = data.departments as RuleSet['departments'];
  const folding = traditionalToSimplified();
  const taxonomy = taxonomyOf(matterFiles, departments, folding, (p, at, reason) => problems.push({ file: p.file, ...position(p, at), reason }));
  const { families, categories, routes } = taxonomy;
  const codes = new Set(categories.map((c) => c.code));

  for (const level of ['city', 'district'] as const) {
    const seen = new Set<string>();
    departments[level].forEach((d, i) => {
      if (seen.has(d.key)) report('departments', [level, i, 'key'], `duplicate ${level} department key "${d.key}"`);
      seen.add(d.key);
    });
  }

  (data.negativeList.rules as RuleSet['negativeList']).forEach((rule, i) =>
    rule.categories.forEach((code, j) => {
      if (!codes.has(code)) report('negativeList', ['rules', i, 'categories', j], `unknown category "${code}"`);
    }),
  );
  const urgencyIds = new Set<string>();
  (data.urgency.rules as RuleSet['urgency']).forEach((rule, i) => {
    if (urgencyIds.has(rule.id)) report('urgency', ['rules', i, 'id'], `duplicate rule id "${rule.id}"`);
    urgencyIds.add(rule.id);
  });
  for (const p of urgencyExampleProblems(data.urgency.rules, data.urgency.language)) report('urgency', p.at, p.reason);

  for (const p of deadlinePolicyProblems(data.deadlines, codes)) report('deadlines', p.at, p.reason);
  for (const p of weightProblems(data.assessment.weights)) report('assessment', p.at, p.reason);
  for (const p of rubricProblems(data.qaRubric)) report('qaRubric', p.at, p.reason);
  const objections = objectionPolicyOf(data.objections, (at, reason) => report('objections', at, reason));

  if (problems.length > 0) throw new RulesError(problems);
  return {
    deadlines: data.deadlines,
    families,
    categories,
    matterNames: new Map(categories.map((c) => [c.code, c.name])),
    requestTypes: (data.requestTypes.types as RuleSet['requestTypes']).map((t) => ({
      type: t.type,
      cues: t.cues.map((c) => ({ word: foldText(c.word, folding), weight: c.weight })),
    })),
    folding,
    routes,
    departments,
    negativeList: data.negativeList.rules,
    urgency: data.urgency.rules,
    urgencyLanguage: data.urgency.language,
    regions: data.regions.regions,
    autoDispatchThreshold: data.dispatch.autoDispatchThreshold,
    returnLimit: data.dispatch.returnLimit,
    aliasVotes: data.dispatch.aliasVotes ?? 3,
    replyChecks: data.replyChecks,
    missedCalls: data.missedCalls,
    hotspots: data.hotspots,
    assessmentWeights: data.assessment.weights,
    qaRubric: data.qaRubric,
    objections,
  };
}

/** 派单异议: every reason of the core once, none else (the schema already refused unknown codes). */
function objectionPolicyOf(
  file: { reviewWithin: ObjectionPolicy['reviewWithin']; reasons: { code: (typeof OBJECTION_REASONS)[number]; requireDutyUnit: boolean }[] },
  report: (at: (string | number)[], reason: string) => void,
): ObjectionPolicy {
  const reasons: Partial<ObjectionPolicy['reasons']> = {};
  file.reasons.forEach((r, i) => {
    if (reasons[r.code]) report(['reasons', i, 'code'], `duplicate reason "${r.code}"`);
    reasons[r.code] = { requireDutyUnit: r.requireDutyUnit };
  });
  for (const code of OBJECTION_REASONS) if (!reasons[code]) report(['reasons'], `reason "${code}" is missing`);
  return { reviewWithin: file.reviewWithin, reasons: reasons as ObjectionPolicy['reasons'] };
}
