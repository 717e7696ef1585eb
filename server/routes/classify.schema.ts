import { Type } from 'typebox';
import { DECIDERS } from '../core/classify.ts';
import { URGENT_CLASSES } from '../core/deadlines.ts';
import { REQUEST_TYPES, UNIT_LEVELS, URGENCIES } from '../core/lists.ts';
import { StringEnum } from './orders.schema.ts';

const Level = StringEnum(UNIT_LEVELS);
const AreaRef = Type.Object({ code: Type.String(), name: Type.String(), level: Level });
const Area = Type.Object({ code: Type.String(), name: Type.String(), level: Level, path: Type.Array(AreaRef) });

export const ClassifyBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 10000, description: '诉求内容' }),
    location: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: '渠道给出的地址（优先于正文）' })),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: '标题（网站、微信留言有标题时；标题中的词分量加倍）' })),
  },
  { additionalProperties: false },
);

export const Classification = Type.Object({
  category: Type.Object({ code: Type.String(), name: Type.String() }),
  family: Type.Object({ code: Type.String(), name: Type.String() }, { description: '事项大类' }),
  requestType: Type.Object({ code: StringEnum(REQUEST_TYPES), name: Type.String() }, { description: '诉求类型' }),
  decidedBy: StringEnum(DECIDERS, { description: '分类依据：规则词语、历史训练的模型，或无依据（其他）' }),
  urgency: StringEnum(URGENCIES),
  urgencyClass: Type.Union([StringEnum(URGENT_CLASSES), Type.Null()]),
  urgencyToConfirm: Type.Union([Type.String(), Type.Null()], {
    description: '紧急判断有疑问时的原因：请接线员当场向来电人确认（仍按紧急处理）',
  }),
  area: Type.Union([Area, Type.Null()]),
  candidates: Type.Array(Area),
  unit: Type.Union([Type.Object({ id: Type.String(), name: Type.String(), level: Level }), Type.Null()]),
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  autoDispatch: Type.Boolean(),
  transfer: Type.Union([StringEnum(['110', 'beijing', 'hebei'] as const), Type.Null()]),
  explanation: Type.Array(Type.Object({ rule: Type.String(), matched: Type.Array(Type.String()) })),
});
