/**
 * The one API client of the desks. Types come from the TypeBox schemas the server
 * validates with (type-only imports: nothing of the server is bundled), so a
 * renamed field breaks the desks' type check, not a shift. Routes whose schemas
 * are not on this branch yet (the knowledge base) are typed by hand below.
 */
import type { Static } from 'typebox';
import type { CreateUserBody, RulesState, Sessions, UnitChildren, UpdateUserBody, User, UserPage } from '../../routes/admin.schema.ts';
import type { CallbackQueue } from '../../routes/callbacks.schema.ts';
import type { Classification, ClassifyBody } from '../../routes/classify.schema.ts';
import type { CreateEntryBody, Entry, ListQuery, SearchResult, UpdateEntryBody, Versions } from '../../routes/kb.schema.ts';
import type { AreaChildren, DeskFeatures, MatterCatalogue, UnitSearch, UnitSearchQuery } from '../../routes/meta.schema.ts';
import type { AttemptBody, MissedCallFigures, MissedCallTask } from '../../routes/missed-calls.schema.ts';
import type { HotspotList } from '../../routes/hotspots.schema.ts';
import type { Duplicates, OpenOrders, QueuePage, QueueQuery } from '../../routes/queue.schema.ts';
import type { ActionBodies, CreateOrderBody, Order, OrderEvent, ReplyCheckResult } from '../../routes/orders.schema.ts';
import type { Rating, Tracking, WebReceipt, WebSubmission } from '../../routes/public.schema.ts';
import type { BoardOrders } from '../../routes/sla.schema.ts';
import type { QaRubricReply, QaSample, QaScoreBody } from '../../routes/qa.schema.ts';
import type { QaStatus } from '../../core/qa.ts';
import { session, toLogin } from './session.ts';

/** Dates arrive as ISO strings over JSON. */
export type Json<T> = T extends Date ? string : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

export type OrderView = Json<Static<typeof Order>>;
export type CreatedOrder = OrderView & { notice: string };
export type OrderEventView = Json<Static<typeof OrderEvent>>;
export type ClassificationView = Static<typeof Classification>;
export type Matters = Static<typeof MatterCatalogue>;
export type AreaNode = Static<typeof AreaChildren>['areas'][number];
export type NewOrder = Static<typeof CreateOrderBody>;
export type AnswerBody = Static<typeof ActionBodies.answer>;

export type WebReceiptView = Static<typeof WebReceipt>;
export type TrackingView = Json<Static<typeof Tracking>>;
export type RatingBody = Static<typeof Rating>;
/** 回访台: the queue of replied orders with their callback deadline and unanswered tries. */
export type CallbackQueueView = Json<Static<typeof CallbackQueue>>;
export type CallbackItemView = CallbackQueueView['items'][number];
/** 系统管理: accounts, their sessions, the unit tree and the state of the rules. */
export type UserView = Static<typeof User>;
export type NewUser = Static<typeof CreateUserBody>;
export type UserChange = Static<typeof UpdateUserBody>;
export type SessionView = Static<typeof Sessions>['items'][number];
export type UnitNode = Static<typeof UnitChildren>['units'][number];
export type RulesStateView = Static<typeof RulesState>;

export interface CallView {
  callId: string;
  callerNumber: string | null;
  calledNumber: string | null;
  agentId: string | null;
  startedAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  transcript: string | null;
  orderId: number | null;
}

/** The knowledge base (知识库): a search hit and an entry with its answer (一口清). */
export type KbHit = Json<Static<typeof SearchResult>>['entries'][number];
export type KbEntry = Json<Static<typeof Entry>>;
export type KbVersion = Json<Static<typeof Versions>>['versions'][number];
export type KbNewEntry = Static<typeof CreateEntryBody>;
export type KbChanges = Static<typeof UpdateEntryBody>;
export type KbListFilter = Omit<Static<typeof ListQuery>, 'after'>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    body: { message?: string; code?: string; field?: string } | null,
  ) {
    super(body?.message ?? `请求失败（HTTP ${status}）`);
    this.code = body?.code;
    this.field = body?.field;
  }
  readonly code: string | undefined;
  readonly field: string | undefined;
}

interface Call {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** fetch with the bearer token and JSON both ways; an error answer becomes ApiError with the server's Chinese message. */
export async function request<T>(path: string, { method = 'GET', body, headers = {}, signal }: Call = {}): Promise<T> {
  const token = session.token;
  const res = await fetch(path, {
    method,
    signal,
    headers: {
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401) {
    // The token expired or was revoked: sign in again and come back here.
    session.clear();
    toLogin();
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data as T;
}

const query = (params: Record<string, string | number | boolean | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

/** An Idempotency-Key; getRandomValues works on plain-http LAN pages too, where randomUUID does not. */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export const api = {
  classify: (body: Static<typeof ClassifyBody>, signal?: AbortSignal) =>
    request<ClassificationView>('/api/classify', { method: 'POST', body, signal }),
  createOrder: (body: NewOrder, idempotencyKey: string) =>
    request<CreatedOrder>('/api/orders', { method: 'POST', body, headers: { 'idempotency-key': idempotencyKey } }),
  order: (ref: string | number) => request<OrderView>(`/api/orders/${encodeURIComponent(ref)}`),
  timeline: (ref: string | number) =>
    request<{ order: OrderView; events: OrderEventView[] }>(`/api/orders/${encodeURIComponent(ref)}/timeline`),
  ordersOfPhone: (phone: string, limit = 20) =>
    request<{ items: OrderView[]; nextCursor: string | null }>(`/api/orders${query({ phone, limit })}`),
  waitingCalls: (limit = 8) => request<{ calls: CallView[] }>(`/api/channels/phone/calls${query({ limit })}`),
  call: (callId: string) => request<CallView>(`/api/channels/phone/calls/${encodeURIComponent(callId)}`),
  // 漏接回拨: the tasks (numbers masked), the reveal before dialling (recorded), each attempt, the figures.
  missedCalls: (limit = 20) => request<{ at: string; tasks: MissedCallView[] }>(`/api/missed-calls${query({ limit })}`),
  dialMissedCall: (id: number) => request<MissedCallView>(`/api/missed-calls/${id}/actions/dial`, { method: 'POST' }),
  recordCallback: (id: number, body: Static<typeof AttemptBody>) =>
    request<MissedCallView>(`/api/missed-calls/${id}/attempts`, { method: 'POST', body }),
  missedCallFigures: (from: string, to: string) =>
    request<Static<typeof MissedCallFigures>>(`/api/missed-calls/report${query({ from, to })}`),
  // 热点预警: the alerts of the viewer's subtree, and the supervisor's 知悉 / 处置.
  hotspots: (limit = 50) => request<Json<Static<typeof HotspotList>>>(`/api/hotspots${query({ limit })}`),
  stepHotspot: (id: number, action: 'acknowledge' | 'handle', note?: string) =>
    request<HotspotView>(`/api/hotspots/${id}/actions/${action}`, { method: 'POST', body: note ? { note } : {} }),
  features: () => request<Static<typeof DeskFeatures>>('/api/meta/features'),
  matters: () => request<Matters>('/api/meta/matters'),
  areas: (parent?: string) => request<{ areas: AreaNode[] }>(`/api/meta/areas${query({ parent })}`),
  areaNames: (codes: string[]) =>
    request<{ areas: { code: string; name: string; path: { code: string; name: string }[] }[] }>(
      `/api/meta/area-names${query({ codes: codes.join(',') })}`,
    ),
  unitNames: (ids: string[]) => request<{ units: { id: string; name: string }[] }>(`/api/meta/units${query({ ids: ids.join(',') })}`),
  logout: () => request<null>('/api/auth/logout', { method: 'POST' }),
  // The citizens' routes: no sign-in.
  submitWeb: (body: Static<typeof WebSubmission>, idempotencyKey: string) =>
    request<WebReceiptView>('/api/channels/web', { method: 'POST', body, headers: { 'idempotency-key': idempotencyKey } }),
  track: (number: string, code: string) => request<TrackingView>(`/api/track/${encodeURIComponent(number)}${query({ code })}`),
  rate: (number: string, body: RatingBody) =>
    request<{ status: string; statusLabel: string }>(`/api/track/${encodeURIComponent(number)}/rating`, { method: 'POST', body }),
  kbSearch: (q: string, opts: { limit?: number; areaCode?: string; signal?: AbortSignal } = {}) =>
    request<{ entries: KbHit[] }>(`/api/kb/search${query({ q, limit: opts.limit ?? 5, areaCode: opts.areaCode })}`, {
      signal: opts.signal,
    }),
  kbEntry: (id: number) => request<KbEntry>(`/api/kb/entries/${encodeURIComponent(id)}`),
  // The knowledge team's desk (知识库管理).
  kbEntries: (filter: KbListFilter = {}) => request<{ entries: KbEntry[]; nextCursor?: number }>(`/api/kb/entries${query({ ...filter })}`),
  kbExpiring: () => request<{ entries: KbEntry[] }>('/api/kb/expiring'),
  kbCreate: (body: KbNewEntry) => request<KbEntry>('/api/kb/entries', { method: 'POST', body }),
  kbUpdate: (id: number, body: KbChanges) => request<KbEntry>(`/api/kb/entries/${id}`, { method: 'PATCH', body }),
  kbVersions: (id: number) => request<{ versions: KbVersion[] }>(`/api/kb/entries/${id}/versions`),
  kbAction: (id: number, action: 'publish' | 'withdraw', note?: string) =>
    request<KbEntry>(`/api/kb/entries/${id}/actions/${action}`, { method: 'POST', body: note ? { note } : {} }),
  kbRollback: (id: number, version: number, note?: string) =>
    request<KbEntry>(`/api/kb/entries/${id}/actions/rollback`, { method: 'POST', body: { version, ...(note ? { note } : {}) } }),
  userNames: (ids: number[]) => request<{ users: { id: number; name: string }[] }>(`/api/meta/user-names${query({ ids: ids.join(',') })}`),
  callbacks: () => request<CallbackQueueView>('/api/callbacks'),
  /** 质检台: the rubric, the samples by state, one score (once per sample). */
  qaRubric: () => request<QaRubricView>('/api/qa/rubric'),
  qaSamples: (status: QaStatus, limit = 100) => request<{ items: QaSampleView[] }>(`/api/qa/samples${query({ status, limit })}`),
  qaScore: (id: number, body: Static<typeof QaScoreBody>) => request<QaSampleView>(`/api/qa/samples/${id}/score`, { method: 'POST', body }),
  /** 派单异议审核: the objections waiting, nearest deadline first. */
  objections: () => request<Json<Static<typeof import('../../routes/objections.schema.ts').PendingList>>>('/api/objections'),
  /** The order with the full phone number: each call is written to the order's trail (查看电话). */
  revealPhone: (ref: string | number) => request<OrderView>(`/api/orders/${encodeURIComponent(ref)}?reveal=phone`),
  /** An order step (close, reopen, callback_missed…): the order after it and its event. */
  act: <A extends keyof typeof ActionBodies>(orderId: number, action: A, body: Static<(typeof ActionBodies)[A]>) =>
    request<{ order: OrderView; event: OrderEventView }>(`/api/orders/${orderId}/actions/${action}`, { method: 'POST', body }),
  users: (limit = 500) => request<Static<typeof UserPage>>(`/api/admin/users${query({ limit })}`),
  createUser: (body: NewUser) => request<UserView>('/api/admin/users', { method: 'POST', body }),
  updateUser: (id: number, body: UserChange) => request<UserView>(`/api/admin/users/${id}`, { method: 'PATCH', body }),
  resetPassword: (id: number, password: string) =>
    request<unknown>(`/api/admin/users/${id}/password`, { method: 'POST', body: { password } }),
  sessionsOf: (id: number) => request<{ items: SessionView[] }>(`/api/admin/users/${id}/sessions`),
  endSession: (id: number, sessionId: string) =>
    request<unknown>(`/api/admin/users/${id}/sessions/${encodeURIComponent(sessionId)}`, { method: 'DELETE' }),
  childUnits: (parent?: string) => request<{ units: UnitNode[] }>(`/api/admin/units${query({ parent })}`),
  rulesState: () => request<RulesStateView>('/api/admin/rules'),
  answer: (orderId: number, body: AnswerBody) =>
    request<{ order: OrderView; event: OrderEventView }>(`/api/orders/${orderId}/actions/answer`, { method: 'POST', body }),
  // 派单队列 and the unit picker.
  unitSearch: (params: Partial<Static<typeof UnitSearchQuery>> & { q: string }, signal?: AbortSignal) =>
    request<{ units: UnitHit[] }>(`/api/meta/unit-search${query({ ...params })}`, { signal }),
  queue: (filter: Partial<Static<typeof QueueQuery>> = {}) => request<QueuePageView>(`/api/queue${query({ ...filter })}`),
  duplicates: (days?: number) => request<DuplicatesView>(`/api/queue/duplicates${query({ days })}`),
  openOrders: (q: string) => request<Json<Static<typeof OpenOrders>>>(`/api/queue/open-orders${query({ q })}`),
  similar: (orderId: number) =>
    request<{
      items: {
        id: number;
        number: string;
        status: string;
        content: string;
        areaCode: string | null;
        createdAt: string;
        similarity: number;
      }[];
    }>(`/api/orders/${orderId}/similar`),
  /** 承办工作台: the unit's orders (held and assisted) with their clocks and ladder, assists, pending extensions, units below. */
  workbench: (unit?: string) =>
    request<Json<Static<typeof import('../../routes/orders-workbench.schema.ts').Workbench>>>(`/api/orders/workbench${query({ unit })}`),
  /** 答复质检 before sending: what the reply checks find in a draft reply. */
  replyCheck: (orderId: number, text: string, signal?: AbortSignal) =>
    request<Static<typeof ReplyCheckResult>>(`/api/orders/${orderId}/reply-check`, { method: 'POST', body: { text }, signal }),
  /** 督办看板: every order with a running clock in the unit's subtree, loaded once and then patched from the live feed. */
  boardOrders: (unit: string) => request<Static<typeof BoardOrders>>(`/api/sla/board/orders${query({ unit })}`),
  // 报表 and 大屏: every report, JSON for the page, CSV as a download carrying the bearer token.
  report: <K extends keyof ReportReplies>(name: K, params: ReportParams) =>
    request<ReportReplies[K]>(`/api/reports/${REPORT_PATHS[name]}${query({ ...params })}`),
  reportCsv: (name: keyof ReportReplies, params: ReportParams) =>
    downloadCsv(`/api/reports/${REPORT_PATHS[name]}${query({ ...params, format: 'csv' })}`),
  reportUnits: (parent?: string) => request<{ units: UnitNode[] }>(`/api/reports/units${query({ parent })}`),
  wall: (unit?: string) => request<WallView>(`/api/reports/wall${query({ unit })}`),
};

/** 派单队列: a waiting order with its clocks and returns; a suspected duplicate with its closest earlier order. */
export type QueuePageView = Json<Static<typeof QueuePage>>;
export type QueueItemView = QueuePageView['items'][number];
export type DuplicatesView = Json<Static<typeof Duplicates>>;
export type OpenOrderBrief = Json<Static<typeof OpenOrders>>['items'][number];
export type UnitHit = Static<typeof UnitSearch>['units'][number];
export type MissedCallView = Json<Static<typeof MissedCallTask>>;
export type QaSampleView = Json<Static<typeof QaSample>>;
export type QaRubricView = Static<typeof QaRubricReply>;
export type HotspotView = Json<Static<typeof HotspotList>>['alerts'][number];

// ——— The reports' types (typed from their schemas) and the CSV download ———
type S<T> = Static<T & import('typebox').TSchema>;
type RS = typeof import('../../routes/reports.schema.ts');
type KS = typeof import('../../routes/knowledge-reports.schema.ts');
type LS = typeof import('../../routes/reports-live.schema.ts');
type OS = typeof import('../../routes/objections.schema.ts');
/** The envelope every report answers with. */
export interface ReportOf<R> {
  unit: { id: string; name: string };
  from: string;
  to: string;
  at: string;
  requestType?: string;
  rows: R[];
}
export interface ReportReplies {
  rates: ReportOf<S<RS['RateRow']>>;
  onTime: ReportOf<S<RS['OnTimeRow']>>;
  returns: ReportOf<S<RS['ReturnRow']>>;
  objections: ReportOf<S<OS['ReportRow']>> & { matters: S<OS['MatterRow']>[] };
  top: ReportOf<S<RS['TopRow']>> & { by: string; level: string | null; total: number; unplaced: number };
  direct: ReportOf<S<KS['DirectRow']>>;
  kbEntries: ReportOf<S<KS['EntryRow']>>;
  kbGaps: ReportOf<S<KS['GapRow']>>;
  intake: S<LS['IntakeReply']>;
  overdue: S<LS['OverdueReply']>;
}
export type WallView = S<LS['WallReply']>;
export type ReportParams = Record<string, string | number | undefined>;
const REPORT_PATHS: Record<keyof ReportReplies, string> = {
  rates: 'rates',
  onTime: 'on-time',
  returns: 'returns',
  objections: 'objections',
  top: 'top',
  direct: 'direct',
  kbEntries: 'kb-entries',
  kbGaps: 'kb-gaps',
  intake: 'intake-hourly',
  overdue: 'overdue',
};

/** The API wants the bearer token, which a plain link cannot carry: fetched, then saved under the server's Chinese file name. */
export async function downloadCsv(path: string): Promise<string> {
  const token = session.token;
  const res = await fetch(path, { headers: { accept: 'text/csv', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const name = star ? decodeURIComponent(star) : (/filename="([^"]+)"/.exec(disposition)?.[1] ?? 'report.csv');
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
