/** Where an order may be sent (pure): 派单 from the hotline anywhere, 下派 only down the tree. */
import { DomainError } from './errors.ts';
import { KNOWLEDGE_TEAM_UNIT, type UnitKind, type UnitLevel } from './lists.ts';

export interface UnitInfo {
  id: string;
  name: string;
  level: UnitLevel;
  kind: UnitKind;
  parentId: string | null;
  departmentKey: string | null;
  ancestors: string[];
}

export function checkDispatchTarget(
  from: UnitInfo | undefined,
  to: UnitInfo | undefined,
  ctx: { fromHotline: boolean; negativeRule?: { id: string; name: string }; categoryCode: string | null },
): void {
  // The hotline's own knowledge team takes consultations no entry answers (知识缺口), sent by the hotline only.
  const knowledgeTeam = to?.id === KNOWLEDGE_TEAM_UNIT && ctx.fromHotline;
  if (!to || (to.kind === 'hotline' && !knowledgeTeam)) throw new DomainError('UNKNOWN_UNIT', '承办单位不存在', { field: 'unitId' });
  if (!ctx.fromHotline) {
    // 下派: district → street → community, a government to its departments, and a
    // city department to the same department of a district (市生态环境局 → 区生态环境局).
    const below = to.parentId === from?.id;
    const sameLine =
      from?.kind === 'department' &&
      from.level === 'city' &&
      to.kind === 'department' &&
      to.level === 'district' &&
      to.departmentKey === from.departmentKey;
    if (!below && !sameLine) {
      throw new DomainError('NOT_BELOW', `${to.name} 不是 ${from?.name ?? '本单位'} 的下级单位，不能下派`, { field: 'unitId' });
    }
  }
  if (to.level === 'community' && ctx.negativeRule) {
    const rule = ctx.negativeRule;
    throw new DomainError(
      'NEGATIVE_LIST',
      `违反社区事项准入负面清单 ${rule.id}「${rule.name}」：${ctx.categoryCode} 类事项不得派给社区（${to.name}）`,
      { field: 'unitId', rule: rule.id },
    );
  }
}
