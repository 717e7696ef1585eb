import type { Sql } from '../client.ts';
import { DomainError } from '../../server/core/errors.ts';
import { departmentUnitId } from '../../server/core/classify.ts';
import type { Departments } from '../../server/core/rules.ts';
import { canSeeUnit, type Viewer } from '../../server/core/access.ts';
import type { UnitKind, UnitLevel } from '../../server/core/lists.ts';

/** The unit, if the viewer may look at it (boards, reports, live feed); otherwise "not found", never "forbidden". */
export async function visibleUnit(sql: Sql, viewer: Viewer, unitId: string): Promise<{ id: string; name: string; ancestors: string[] }> {
  const [unit] = await sql<{ id: string; name: string; ancestors: string[] }[]>`select id, name, ancestors from units where id = ${unitId}`;
  if (!unit || !canSeeUnit(viewer, unit.ancestors)) {
    throw new DomainError('UNIT_NOT_FOUND', `单位 ${unitId} 不存在或不在本单位辖区内`, { field: 'unit' });
  }
  return unit;
}

/** The unit's name, for pages that show where an order is (the citizen's tracking page). */
export async function unitNameOf(sql: Sql, unitId: string): Promise<string | null> {
  const [unit] = await sql<{ name: string }[]>`select name from units where id = ${unitId}`;
  return unit?.name ?? null;
}

/** The names of the given units (the desks show names, never unit ids); unknown ids are left out. */
export async function unitNames(sql: Sql, ids: string[]): Promise<{ id: string; name: string }[]> {
  return sql<{ id: string; name: string }[]>`select id, name from units where id = any(${ids}::text[]) order by id`;
}

/**
 * Departments come from rules/departments.yaml: one unit per city department
 * under each city government, one per district department under each district
 * government. Upserted at every start so that renamed departments follow the rules.
 */
export async function syncDepartmentUnits(sql: Sql, departments: Departments): Promise<void> {
  const ids: string[] = [];
  const names: string[] = [];
  const levels: string[] = [];
  const areaCodes: string[] = [];
  const keys: string[] = [];
  const push = (id: string, name: string, level: string, area: string, key: string) => {
    ids.push(id);
    names.push(name);
    levels.push(level);
    areaCodes.push(area);
    keys.push(key);
  };
  const areas = await sql<{ code: string; name: string; level: string }[]>`
    select code, name, level from areas where level in ('city', 'district')`;
  for (const area of areas) {
    const list = area.level === 'city' ? departments.city : departments.district;
    for (const d of list) {
      const name = area.level === 'city' ? d.name : `${area.name}${d.name}`;
      push(departmentUnitId(area.code, d.key), name, area.level, area.code, d.key);
    }
  }
  await sql`
    insert into units (id, name, level, kind, area_code, department_key, parent_id)
    select id, name, level, 'department', area_code, key, area_code
    from unnest(${ids}::text[], ${names}::text[], ${levels}::text[], ${areaCodes}::text[], ${keys}::text[])
      as u(id, name, level, area_code, key)
    on conflict (id) do update set name = excluded.name`;
}

/** A level of the unit tree (the admin's unit picker): the top units, or the children of `parent`, with whether they have any. */
export async function childUnits(sql: Sql, parent: string | null): Promise<{ id: string; name: string; leaf: boolean }[]> {
  const rows = await sql<{ id: string; name: string; has_children: boolean }[]>`
    select u.id, u.name, exists (select 1 from units c where c.parent_id = u.id) as has_children
    from units u
    where ${parent === null ? sql`u.parent_id is null` : sql`u.parent_id = ${parent}`}
    order by u.kind = 'hotline' desc, u.kind = 'government' desc, u.id`;
  return rows.map((r) => ({ id: r.id, name: r.name, leaf: !r.has_children }));
}

/** Who owns a matter in the dispatch catalogue (rules/routing), as units: a kind, a level and for departments a key. */
export interface UnitOwner {
  kind: 'government' | 'department';
  level: string;
  departmentKey: string | null;
}

export interface UnitHit {
  id: string;
  name: string;
  level: UnitLevel;
  kind: UnitKind;
  /** The district the unit belongs to (河东区), null for the city's own units and the hotline centre. */
  districtCode: string | null;
  districtName: string | null;
  /** Names of the units above it below the city, top down (河东区人民政府 › 大王庄街道办事处). */
  path: string[];
  owner: boolean;
}

/**
 * 单位检索 (the unit picker): units whose name contains `text`, inside `under`'s
 * subtree when given. The matter's owner kind comes first, then names that start
 * with the text, then by level (city, district, street, community) and id, so
 * 天津能源集团 and 大王庄 find their unit among five thousand communities.
 */
export async function searchUnits(
  sql: Sql,
  opts: { text: string; under: string | null; owner: UnitOwner | null; limit: number },
): Promise<UnitHit[]> {
  // LIKE's wildcards typed by a person are literal characters.
  const pattern = `%${opts.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const prefix = `${opts.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const o = opts.owner;
  const owner = o
    ? sql`(u.kind = ${o.kind} and u.level = ${o.level} and u.department_key is not distinct from ${o.departmentKey})`
    : sql`false`;
  const rows = await sql<
    {
      id: string;
      name: string;
      level: UnitLevel;
      kind: UnitKind;
      district_code: string | null;
      district_name: string | null;
      path: string[];
      owner: boolean;
    }[]
  >`
    select u.id, u.name, u.level, u.kind, d.code as district_code, d.name as district_name, ${owner} as owner,
      array(select p.name from unnest(u.ancestors) with ordinality as a(id, n)
            join units p on p.id = a.id
            where p.id <> u.id and p.level <> 'city' order by a.n) as path
    from units u
    left join areas d on d.code = left(u.area_code, 6) and d.level = 'district'
    where u.name ilike ${pattern}
      ${opts.under ? sql`and u.ancestors @> array[${opts.under}]::text[]` : sql``}
    order by owner desc, u.name ilike ${prefix} desc,
      array_position(array['city', 'district', 'street', 'community']::text[], u.level), u.kind = 'government' desc, u.id
    limit ${opts.limit}`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    level: r.level,
    kind: r.kind,
    districtCode: r.district_code,
    districtName: r.district_name,
    path: r.path,
    owner: r.owner,
  }));
}
