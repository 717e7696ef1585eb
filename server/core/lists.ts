/**
 * Value lists of the order and unit tree that have no richer home in the core:
 * each is defined here once, and the database CHECKs (db/schema.ts), the API
 * schemas and the label tables all read it from here.
 */
import { LEVELS } from './places.ts';

/** Where a submission came from. */
export const CHANNELS = ['phone', 'web', 'wechat', 'app', 'email', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];

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
