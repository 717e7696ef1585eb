/** Schemas of the knowledge base API (知识库): entries, their versions, search. */
import { Type } from 'typebox';
import { BODY_MAX, TERM_MAX, TERMS_MAX, TITLE_MAX } from '../core/knowledge.ts';
import { KB_CHANGES, KB_MATERIAL_TYPES, KB_STATUSES } from '../core/lists.ts';
import { AreaCode, ErrorReply, Nullable, StringEnum } from './orders.schema.ts';

export const kbErrors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply, 422: ErrorReply };

const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: '日期 YYYY-MM-DD（北京时间）' });
const Terms = (description: string) => Type.Array(Type.String({ minLength: 1, maxLength: TERM_MAX }), { maxItems: TERMS_MAX, description });

const fields = {
  title: Type.String({ minLength: 1, maxLength: TITLE_MAX, description: `标题，唯一，不超过 ${TITLE_MAX} 字` }),
  body: Type.String({ minLength: 1, maxLength: BODY_MAX, description: '答复内容（一口清）：话务员向来电人宣读的完整答复' }),
  keywords: Terms('关键词：检索时按标题之后、正文之前的权重匹配'),
  synonyms: Terms('同义词、俗称：来电人可能的说法'),
  categoryCode: Nullable(Type.String({ minLength: 1, maxLength: 64, description: '事项分类代码（见 /api/meta）' })),
  issuer: Nullable(Type.String({ maxLength: 200, description: '发文单位' })),
  policyBasis: Nullable(Type.String({ maxLength: 500, description: '政策依据（文件名称、文号）' })),
  materialType: Nullable(
    StringEnum(KB_MATERIAL_TYPES, { description: '材料类型：guide 办事指南、policy 政策法规、faq 热点问答、notice 通知公告、other 其他' }),
  ),
  areaCode: Nullable({ ...AreaCode, description: '适用区域（行政区划代码）；空为全市' }),
  effectiveFrom: Nullable({ ...Day, description: '生效日期；空为即日起' }),
  expiresOn: Nullable({ ...Day, description: '失效日期（当日起不再检索到）；空为长期有效' }),
};

export const CreateEntryBody = Type.Object(
  {
    title: fields.title,
    body: fields.body,
    ...Object.fromEntries(
      Object.entries(fields)
        .filter(([k]) => k !== 'title' && k !== 'body')
        .map(([k, v]) => [k, Type.Optional(v)]),
    ),
    unitId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '维护单位；知识库编辑只能是本单位，缺省为本人单位' })),
  },
  { additionalProperties: false },
);

export const UpdateEntryBody = Type.Object(
  {
    ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])),
    version: Type.Optional(Type.Integer({ minimum: 1, description: '修改所依据的版本号；条目已被他人改过时 409 KB_VERSION_CONFLICT' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const EntryId = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$', description: '知识条目 id' }) });

export const NoteBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500, description: '说明（记入版本）' })) },
  { additionalProperties: false },
);

export const RollbackBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: '回滚到的版本号：以该版本的内容生成新版本（草稿），须重新发布' }),
    note: NoteBody.properties.note,
  },
  { additionalProperties: false },
);

const Instant = Type.String({ format: 'date-time' });

export const Entry = Type.Object({
  id: Type.Integer(),
  ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v])),
  title: Type.String(),
  body: Type.String(),
  status: StringEnum(KB_STATUSES, { description: '状态：draft 草稿、published 已发布、expired 已过期、withdrawn 已撤回' }),
  unitId: Type.String({ description: '维护单位' }),
  version: Type.Integer({ description: '当前版本号' }),
  sample: Type.Boolean({ description: '示例数据' }),
  sourceOrderId: Nullable(Type.Integer({ description: '由哪张知识缺口工单的答复生成' })),
  createdAt: Instant,
  createdBy: Type.String(),
  updatedAt: Instant,
  updatedBy: Type.String(),
});

export const EntryList = Type.Object({ entries: Type.Array(Entry), nextCursor: Type.Optional(Type.Integer()) });

export const Versions = Type.Object({
  versions: Type.Array(
    Type.Object({
      version: Type.Integer(),
      change: StringEnum(KB_CHANGES, {
        description: '变更：create 新建、edit 修改、publish 发布、withdraw 撤回、expire 过期、rollback 回滚',
      }),
      snapshot: Type.Record(Type.String(), Type.Unknown(), { description: '该版本的全部字段' }),
      actor: Type.String({ description: '操作人（user:<id> 或 system）' }),
      at: Instant,
      note: Nullable(Type.String()),
    }),
  ),
});

export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 500, description: '来电人的问题，原话即可' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: '最多返回几条，默认 10' })),
    areaCode: Type.Optional({ ...AreaCode, description: '来电人所在区域：只返回适用于该区域（或其上级、全市）的条目；缺省不限区域' }),
  },
  { additionalProperties: false },
);

export const SearchResult = Type.Object({
  entries: Type.Array(
    Type.Object({
      id: Type.Integer(),
      title: Type.String(),
      snippet: Type.String({ description: '正文中与问题相关的一段' }),
      score: Type.Number({ description: '相关度，越大越相关' }),
      materialType: Nullable(StringEnum(KB_MATERIAL_TYPES)),
      issuer: Nullable(Type.String()),
      categoryCode: Nullable(Type.String()),
      areaCode: Nullable(Type.String()),
      version: Type.Integer(),
      updatedAt: Instant,
    }),
  ),
});

export const ListQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(KB_STATUSES)),
    unitId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '维护单位（知识库审核可查任一单位；编辑只看本单位）' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: '标题包含' })),
    after: Type.Optional(Type.Integer({ minimum: 0, description: '上一页的 nextCursor' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
