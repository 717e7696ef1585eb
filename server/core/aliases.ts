/**
 * Place aliases (issue 14): the estates, roads, buildings and landmarks citizens
 * name instead of the official 社区. Pure: the index is built from alias rows
 * and matched by PlaceIndex.resolve in one extra automaton pass; the recogniser
 * finds names that look like such places, so dispatches can vote for them.
 */
import { AutomatonBuilder, type Automaton } from './automaton.ts';

/** One alias row: a name and an area it names (several rows for one name make it ambiguous). */
export interface AliasRow {
  name: string;
  areaCode: string;
}

/** The shortest and longest names the place_aliases table accepts. */
export const ALIAS_NAME_MIN = 2;
export const ALIAS_NAME_MAX = 40;

const normalizeName = (name: string) => name.normalize('NFKC').toLowerCase().trim();

export class AliasIndex {
  private readonly names: string[] = [];
  private readonly codes: string[][] = [];
  private readonly automaton: Automaton;

  constructor(rows: Iterable<AliasRow>) {
    const byName = new Map<string, Set<string>>();
    for (const row of rows) {
      const name = normalizeName(row.name);
      if (name.length < ALIAS_NAME_MIN) continue;
      if (!byName.has(name)) byName.set(name, new Set());
      byName.get(name)!.add(row.areaCode);
    }
    const builder = new AutomatonBuilder();
    for (const [name, codes] of byName) {
      builder.add(name, this.names.length);
      this.names.push(name);
      this.codes.push([...codes].sort());
    }
    this.automaton = builder.build();
  }

  /** How many distinct names. */
  get size(): number {
    return this.names.length;
  }

  /** The areas a name points to (normalised as the index does), empty when unknown. */
  areasOf(name: string): readonly string[] {
    const i = this.names.indexOf(normalizeName(name));
    return i < 0 ? [] : this.codes[i]!;
  }

  /** Every alias in an already normalised text, with the areas it points to. */
  scan(text: string, onMatch: (codes: readonly string[], start: number, end: number) => void): void {
    if (this.names.length === 0) return;
    this.automaton.scan(text, (id, start, end) => onMatch(this.codes[id]!, start, end));
  }
}

// ---------------------------------------------------------------------------
// The recogniser: names whose form says "a place", for learning.

/** Endings that make a name an estate, building or landmark; longest first so 花园 wins over 园-less forms. */
const SUFFIXES = ['小区', '花园', '家园', '新村', '公寓', '大厦', '广场', '大院', '苑', '里'];
const SUFFIX_RE = new RegExp(`(${SUFFIXES.join('|')})`, 'g');
const ROAD_NUMBER_RE = /([\u4e00-\u9fff]{2,8}?(?:大街|路|道|街))(\d{1,5})号/g;
const CJK = /[\u4e00-\u9fff]/;

/**
 * Characters that end a name when read backwards from the suffix: pronouns,
 * particles and verbs of the sentence around it (我住在|阳光小区), never part of
 * an estate's own name in practice.
 */
const STOP_CHARS = new Set([...'的在是了住我你他她们这那哪个于向给把被说有到从对咱都也就还要该本此每各整全去来过靠']);
const SOFT_STOPS = new Set([...'和与及跟同或']);
/** Words before a name that belong to the sentence: 位于 | 阳光小区. */
const LEAD_WORDS = ['位于', '地址', '地点', '反映', '投诉', '居住', '附近', '旁边', '门口', '楼下', '对面', '隔壁', '周边', '周围', '小区'];
/** Modifiers that make "…小区" a description rather than a name (老旧小区, 附近小区). */
const GENERIC = new Set([
  ...[
    '老旧',
    '新建',
    '附近',
    '整个',
    '隔壁',
    '对面',
    '所在',
    '居住',
    '周边',
    '周围',
    '多个',
    '其他',
    '别的',
    '一个',
    '各个',
    '高档',
    '回迁',
  ],
  ...['还迁', '开放式', '封闭式', '商品房', '物业', '老', '旧', '后', '前', '大', '小', '中心', '文化', '休闲', '商业'],
]);
/** Ordinary words ending in 里 (这里, 夜里, 公里): never the end of a place name. */
const LI_WORDS = new Set([
  ...['这里', '那里', '哪里', '家里', '屋里', '夜里', '心里', '村里', '城里', '院里', '手里', '眼里', '梦里', '公里', '千里', '万里'],
  ...['楼里', '店里', '厂里', '区里', '市里', '县里', '镇里', '乡里', '街里', '水里', '地里', '车里', '房里', '箱里', '嘴里', '校里'],
  ...['班里', '队里', '局里', '所里', '窗里', '屋子里', '单位里', '小区里', '社区里', '学校里', '医院里', '晚上里', '被窝里'],
]);
/** Official words a recognised name must not run into: 诚厚里社区 is the official name, already known. */
const OFFICIAL_AFTER = /^(社区|居委|村委|街道|委员会)/;
/** Administrative words that start a name after them (河东区|阳光小区), when something precedes them. */
const ADMIN_ENDINGS = ['街道', '区', '市', '县', '镇', '乡', '省'];

/** The name part before a suffix, trimmed of the sentence around it; null when nothing plausible is left. */
function namePart(before: string): string | null {
  // The CJK run that ends at the suffix, at most 8 characters back.
  let i = before.length;
  while (i > 0 && before.length - i < 8 && CJK.test(before[i - 1]!)) i--;
  let name = before.slice(i);
  for (let k = name.length - 1; k >= 0; k--) {
    if (STOP_CHARS.has(name[k]!)) {
      name = name.slice(k + 1);
      break;
    }
  }
  // 和, 与, 及 join two names (天塔湖苑和金泰公寓) but also begin some (和平里): cut only when a name is left.
  for (let k = name.length - 1; k >= 0; k--) {
    if (SOFT_STOPS.has(name[k]!) && name.length - k - 1 >= 2) {
      name = name.slice(k + 1);
      break;
    }
  }
  for (const ending of ADMIN_ENDINGS) {
    const at = name.lastIndexOf(ending);
    if (at >= 2 && name.length - at - ending.length >= 2) name = name.slice(at + ending.length);
  }
  for (let changed = true; changed;) {
    changed = false;
    for (const w of LEAD_WORDS) {
      if (name.startsWith(w) && name.length > w.length) {
        name = name.slice(w.length);
        changed = true;
      }
    }
  }
  if (name.length < 2 || name.length > 6 || GENERIC.has(name)) return null;
  return name;
}

/**
 * Names in a (normalised) text whose form says they are an estate, a building, a
 * landmark or a street address: 阳光小区, 海河大厦, 诚厚里, 南京路120号. Each once,
 * in order of appearance. Deliberately cautious: a missed name costs one vote, a
 * wrong one could teach the router a place that is not there.
 */
export function recognizePlaceNames(rawText: string): string[] {
  const text = normalizeName(rawText);
  const found: { start: number; end: number; name: string }[] = [];
  for (const m of text.matchAll(ROAD_NUMBER_RE)) {
    const road = m[1]!;
    const kind = /(大街|路|道|街)$/.exec(road)![1]!;
    const part = namePart(road.slice(0, -kind.length));
    if (!part) continue;
    const name = `${part}${kind}${m[2]}号`;
    const end = m.index + m[0].length;
    found.push({ start: end - name.length, end, name });
  }
  let lastEnd = 0;
  for (const m of text.matchAll(SUFFIX_RE)) {
    const at = m.index;
    const end = at + m[0].length;
    if (at < lastEnd || found.some((f) => at < f.end && end > f.start)) continue;
    const part = namePart(text.slice(lastEnd, at));
    if (!part) continue;
    const name = part + m[0];
    // 里 is the most common of these endings in ordinary words: 这里, 夜里, 小区里.
    if (m[0] === '里' && ([...LI_WORDS].some((w) => name.endsWith(w)) || SUFFIXES.some((s) => part.endsWith(s)))) continue;
    if (OFFICIAL_AFTER.test(text.slice(end))) continue;
    found.push({ start: at - part.length, end, name });
    lastEnd = end;
  }
  return [...new Set(found.sort((a, b) => a.start - b.start).map((f) => f.name))];
}

// ---------------------------------------------------------------------------
// The civil-affairs list: CSV with 名称,区划代码.

export interface AliasCsvLine {
  line: number;
  name: string;
  areaCode: string;
}
export interface AliasCsvRefusal {
  line: number;
  reason: string;
}

/** One CSV record's fields; quotes may wrap a field and "" escapes a quote. */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

/** Why a name cannot be an alias, or null when it can. */
export function badAliasName(name: string): string | null {
  if (name.length < ALIAS_NAME_MIN || name.length > ALIAS_NAME_MAX) return `名称长度须为 ${ALIAS_NAME_MIN}–${ALIAS_NAME_MAX} 个字符`;
  if (!/[\u4e00-\u9fffa-z]/.test(name)) return '名称须含汉字或字母';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f,;，；]/.test(name)) return '名称含分隔符或控制字符';
  return null;
}

/** Parse the list: the header names the columns (in any order); each line is an alias or a refusal. */
export function parseAliasCsv(text: string): { rows: AliasCsvLine[]; refused: AliasCsvRefusal[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = fields(lines[0] ?? '');
  const nameAt = header.indexOf('名称');
  const codeAt = header.indexOf('区划代码');
  if (nameAt < 0 || codeAt < 0) throw new Error('首行须为列名，含“名称”和“区划代码”');
  const rows: AliasCsvLine[] = [];
  const refused: AliasCsvRefusal[] = [];
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    if (raw.trim() === '') return;
    const f = fields(raw);
    const name = normalizeName(f[nameAt] ?? '');
    const areaCode = (f[codeAt] ?? '').normalize('NFKC');
    const bad = badAliasName(name);
    if (bad) refused.push({ line, reason: bad });
    else if (!/^\d{6}(\d{3}(\d{3})?)?$/.test(areaCode)) refused.push({ line, reason: `区划代码格式不对：${areaCode || '（空）'}` });
    else rows.push({ line, name, areaCode });
  });
  return { rows, refused };
}
