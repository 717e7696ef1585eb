import { Type } from 'typebox';
import { UNIT_LEVELS } from '../core/lists.ts';
import { AreaCode, StringEnum } from './orders.schema.ts';

/** 事项目录: the taxonomy's families, each with its matters, in the rules' order. */
export const MatterCatalogue = Type.Object({
  families: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String({ description: '事项大类' }),
      matters: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
    }),
  ),
});

export const AreaChildrenQuery = Type.Object({ parent: Type.Optional(AreaCode) }, { additionalProperties: false });

/** One level of the division tree, for a tree picker that loads as it opens. */
export const AreaChildren = Type.Object({
  areas: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      level: StringEnum(UNIT_LEVELS),
      leaf: Type.Boolean({ description: '没有下级区划' }),
    }),
  ),
});

export const UnitNamesQuery = Type.Object(
  { ids: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}(,[A-Za-z0-9_.:-]{1,64}){0,49}$', description: '单位 id，逗号分隔，至多 50 个' }) },
  { additionalProperties: false },
);
export const UnitNames = Type.Object({ units: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })) });

/** Who made a change (an order event, a knowledge version names `user:<id>`): the desks show the name. */
export const UserNamesQuery = Type.Object(
  { ids: Type.String({ pattern: '^[0-9]{1,15}(,[0-9]{1,15}){0,49}$', description: '用户 id，逗号分隔，至多 50 个' }) },
  { additionalProperties: false },
);
export const UserNames = Type.Object({
  users: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String({ description: '姓名（显示名）' }) })),
});

/** What this service offers the desks, so a desk hides or disables what is not there instead of failing on it. */
export const DeskFeatures = Type.Object({
  knowledgeBase: Type.Boolean({ description: '知识库检索（GET /api/kb/search）可用' }),
  requestType: Type.Boolean({ description: '登记工单时可指定诉求类型（requestType）' }),
});

export const AreaNamesQuery = Type.Object(
  { codes: Type.String({ pattern: '^[0-9]{6,12}(,[0-9]{6,12}){0,49}$', description: '行政区划代码，逗号分隔，至多 50 个' }) },
  { additionalProperties: false },
);
export const AreaNames = Type.Object({
  areas: Type.Array(
    Type.Object({ code: Type.String(), name: Type.String(), path: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) }),
  ),
});
