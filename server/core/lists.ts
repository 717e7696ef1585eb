/**
 * Value lists of the order and unit tree that have no richer home in the core:
 * each is defined here once, and the database CHECKs (db/schema.ts), the API
 * schemas and the label tables all read it from here.
 */
import { LEVELS } from './places.ts';

/** Where a submission came from; `open311` is a registered GeoReport v2 client (server/open311/). */
export const CHANNELS = ['phone', 'web', 'wechat', 'app', 'email', 'open311', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_LABELS: Record<Channel, string> = {
  phone: '电话',
  web: '网站',
  wechat: '微信',
  app: '客户端',
  email: '邮件',
  open311: '开放接口（Open311）',
  other: '其他',
};

/** 紧急程度 of an order, as the rules classify it. */
export const URGENCIES = ['urgent', 'normal'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const URGENCY_LABELS: Record<Urgency, string> = { urgent: '紧急', normal: '一般' };

/** A unit sits at a level of the division tree: the tree's own levels. */
export const UNIT_LEVELS = LEVELS;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

/** The hotline centre, a government at an area of the tree, or one of its departments. */
export const UNIT_KINDS = ['hotline', 'government', 'department'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** 诉求类型: what kind of request an order holds, whatever its matter. */
export const REQUEST_TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise', 'other'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];
export const REQUEST_TYPE_LABELS: Record<RequestType, string> = {
  consultation: '咨询',
  help: '求助',
  complaint: '投诉',
  report: '举报',
  suggestion: '建议',
  praise: '表扬',
  other: '其他',
};

/** 知识库条目状态: drafts are reviewed and published; a published entry expires or is withdrawn. */
export const KB_STATUSES = ['draft', 'published', 'expired', 'withdrawn'] as const;
export type KbStatus = (typeof KB_STATUSES)[number];
export const KB_STATUS_LABELS: Record<KbStatus, string> = {
  draft: '草稿',
  published: '已发布',
  expired: '已过期',
  withdrawn: '已撤回',
};

/** 材料类型 of a knowledge entry. */
export const KB_MATERIAL_TYPES = ['guide', 'policy', 'faq', 'notice', 'other'] as const;
export type KbMaterialType = (typeof KB_MATERIAL_TYPES)[number];
export const KB_MATERIAL_TYPE_LABELS: Record<KbMaterialType, string> = {
  guide: '办事指南',
  policy: '政策法规',
  faq: '热点问答',
  notice: '通知公告',
  other: '其他',
};

/** What made a new version of a knowledge entry: every change is one, append-only. */
export const KB_CHANGES = ['create', 'edit', 'publish', 'withdraw', 'expire', 'rollback'] as const;
export type KbChange = (typeof KB_CHANGES)[number];
export const KB_CHANGE_LABELS: Record<KbChange, string> = {
  create: '新建',
  edit: '修改',
  publish: '发布',
  withdraw: '撤回',
  expire: '过期',
  rollback: '回滚',
};

/** The hotline's knowledge team (知识库组): consultations with no entry go to it as a 知识缺口. */
export const KNOWLEDGE_TEAM_UNIT = 'hotline-kb';
