import type { Sql } from '../client.ts';
import { DomainError } from '../../server/core/errors.ts';
import { departmentUnitId } from '../../server/core/classify.ts';
import type { Departments } from '../../server/core/rules.ts';
import { canSeeUnit, type Viewer } from '../../server/core/access.ts';

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
