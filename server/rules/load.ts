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
import { RULE_FILES, type RuleSet } from './schema.ts';
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

export function loadRules(dir: string = defaultRulesDir): RuleSet {
  const problems: RuleProblem[] = [];
  const parsed: Record<string, Parsed> = {};
  // Each file's data as its schema checked it; the cross-checks below read them by name.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- shaped by RULE_FILES' schemas, checked at run time
  const data: Record<string, any> = {};

  for (const [name, { file, schema }] of Object.entries(RULE_FILES)) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) {
      problems.push({ file, line: 1, column: 1, reason: 'file is missing' });
      continue;
    }
    const lines = new LineCounter();
    const doc = parseDocument(fs.readFileSync(full, 'utf8'), { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    const p: Parsed = { file, doc, lines };
    parsed[name] = p;
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const pos = lines.linePos(e.pos[0]);
        problems.push({ file, line: pos.line, column: pos.col, reason: e.message.split('\n')[0]! });
      }
      continue;
    }
    const value = doc.toJS();
    const validate = ajv.compile(schema);
    if (!validate(value)) {
      for (const e of validate.errors ?? []) problems.push({ file, ...position(p, pathOf(e)), reason: describe(e) });
      continue;
    }
    data[name] = value;
  }
  if (problems.length > 0) throw new RulesError(problems);
  return crossCheck(data, parsed);
}

/** The files refer to each other: every reference must resolve, every code be unique. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see loadRules: data checked by RULE_FILES' schemas
function crossCheck(data: Record<string, any>, parsed: Record<string, Parsed>): RuleSet {
  const problems: RuleProblem[] = [];
  const report = (name: string, at: (string | number)[], reason: string) =>
    problems.push({ file: parsed[name]!.file, ...position(parsed[name]!, at), reason });

  const categories = data.categories.categories as RuleSet['categories'];
  const codes = new Set<string>();
  categories.forEach((c, i) => {
    if (codes.has(c.code)) report('categories', ['categories', i, 'code'], `duplicate category code "${c.code}"`);
    codes.add(c.code);
    if (!c.fallback && c.keywords.length === 0) report('categories', ['categories', i, 'keywords'], `category "${c.code}" has no keywords`);
  });
  const fallbacks = categories.filter((c) => c.fallback);
  if (fallbacks.length !== 1) report('categories', ['categories'], `exactly one category must be the fallback, found ${fallbacks.length}`);

  const departments = data.departments as RuleSet['departments'];
  for (const level of ['city', 'district'] as const) {
    const seen = new Set<string>();
    departments[level].forEach((d, i) => {
      if (seen.has(d.key)) report('departments', [level, i, 'key'], `duplicate ${level} department key "${d.key}"`);
      seen.add(d.key);
    });
  }

  const routes = new Map<string, RuleSet['routes'] extends Map<string, infer R> ? R : never>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of RoutingFile
  (data.routing.routes as any[]).forEach((r, i) => {
    if (!codes.has(r.category)) report('routing', ['routes', i, 'category'], `unknown category "${r.category}"`);
    if (routes.has(r.category)) report('routing', ['routes', i, 'category'], `category "${r.category}" is routed twice`);
    const level = r.owner === 'city_department' ? 'city' : r.owner === 'district_department' ? 'district' : null;
    if (level && !r.department) report('routing', ['routes', i], `owner ${r.owner} needs a department`);
    if (level && r.department && !departments[level].some((d) => d.key === r.department)) {
      report('routing', ['routes', i, 'department'], `no ${level} department with key "${r.department}" in departments.yaml`);
    }
    if (!level && r.department) report('routing', ['routes', i, 'department'], `owner ${r.owner} takes no department`);
    routes.set(r.category, r);
  });
  categories.forEach((c) => {
    if (!routes.has(c.code)) report('routing', ['routes'], `category "${c.code}" has no route`);
  });

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

  if (problems.length > 0) throw new RulesError(problems);
  return {
    deadlines: data.deadlines,
    categories,
    routes,
    departments,
    negativeList: data.negativeList.rules,
    urgency: data.urgency.rules,
    urgencyLanguage: data.urgency.language,
    regions: data.regions.regions,
    autoDispatchThreshold: data.dispatch.autoDispatchThreshold,
    returnLimit: data.dispatch.returnLimit,
  };
}
