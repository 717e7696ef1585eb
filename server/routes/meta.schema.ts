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

/** 单位检索: a name fragment, the order's matter (its owner first) and a subtree to stay in. */
export const UnitSearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 50,
      pattern: '^[^\\x00-\\x1f]*[^\\s\\x00-\\x1f][^\\x00-\\x1f]*$',
      description: '单位名称中的字（如 天津能源集团、大王庄）',
    }),
    matter: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,32}$', description: '工单的事项分类：派单目录中的主管单位排在前面' })),
    under: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: '只在该单位及其下级中查找（承办人、督办默认本单位）' }),
    ),
    cityWide: Type.Optional(Type.Boolean({ description: '在全市查找（派单异议：承办单位注明职责所属单位时，该单位多在本单位辖区之外）' })),
    limit: Type.Integer({ minimum: 1, maximum: 50, default: 30 }),
  },
  { additionalProperties: false },
);
export const UnitSearch = Type.Object({
  units: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      level: StringEnum(UNIT_LEVELS),
      kind: Type.String({ description: 'hotline 热线中心 / government 政府 / department 部门' }),
      districtCode: Type.Union([Type.String(), Type.Null()]),
      districtName: Type.Union([Type.String(), Type.Null()], { description: '所属区；市级单位为 null' }),
      path: Type.Array(Type.String(), { description: '上级单位名称（市以下），自上而下' }),
      owner: Type.Boolean({ description: '派单目录中该事项的主管单位类别' }),
    }),
  ),
});
