/**
 * Open311 GeoReport v2 over the hotline's orders. A service request is an order of
 * the `open311` channel; its service_request_id is the order number. POST goes
 * through the same intake as the web form (app.orders.intake): the same
 * classification, automatic dispatch, clocks, one-time notice and idempotency.
 *
 * The citizen's service_code is their own choice and is kept as such: when the rules
 * read the description as the same matter, the order goes on exactly like a web
 * order (dispatched by itself when the rules are sure); when they read another
 * matter, the order keeps the citizen's matter and waits for a dispatcher, who sees
 * both (the rules' reading is stored with the order) and decides. The machine never
 * overrules the citizen silently, and never dispatches on a disagreement.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database, Sql } from '../../db/client.ts';
import { enabledClientByKeyHash, listOpen311Orders, orderNumberByKeys, type Open311Client } from '../../db/queries/open311.ts';
import type { Classifier } from '../core/classify.ts';
import { beijingDay } from '../core/knowledge.ts';
import type { OrderService } from '../orders/service.ts';
import { invalid, Open311Error } from './errors.ts';
import type { Item } from './format.ts';
import { requestItem, type AreaNames } from './requests.ts';
import { findService } from './services.ts';
import { citizenName, keyFor, submissionDigest, type Submission } from './submission.ts';

export interface Open311Deps {
  db: Database;
  sql: Sql;
  classifier: () => Classifier;
  orders: OrderService;
  now: () => Date;
  jurisdictionId: string;
}

const DAY = 24 * 3600_000;
/** The spec's default window and its largest, and its largest answer. */
const WINDOW_DAYS = 90;
export const MAX_REQUESTS = 1000;
const NUMBER = /^12345-\d{8}-\d{6}$/;
const W3 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');
/** A new api_key: 256 random bits, prefixed so a leaked one is recognised in a log or a repository. */
export const newApiKey = () => `o311_${randomBytes(32).toString('base64url')}`;

export type Query = Record<string, string | string[] | undefined>;

/** A query argument's values: repeated and comma-delimited alike, empties dropped. */
function listOf(q: Query, key: string): string[] | null {
  const raw = q[key];
  if (raw === undefined) return null;
  const values = (Array.isArray(raw) ? raw : [raw])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return values.length ? values : null;
}

function single(q: Query, key: string): string | null {
  const values = listOf(q, key);
  if (values && values.length > 1) throw invalid(key, '只能给出一个值');
  return values?.[0] ?? null;
}

function dateOf(q: Query, key: string): Date | null {
  const raw = single(q, key);
  if (raw === null) return null;
  const t = new Date(raw);
  if (!W3.test(raw) || Number.isNaN(t.getTime())) throw invalid(key, 'W3C 日期时间，须带时区，如 2026-11-24T08:00:00+08:00');
  return t;
}

export function createOpen311Service(deps: Open311Deps) {
  const areaNames: AreaNames = (code) =>
    deps
      .classifier()
      .places.get(code)
      ?.path.map((a) => a.name)
      .join('') ?? null;

  return {
    /** The client whose api_key this is; 403 in the spec's words otherwise. */
    async authenticate(apiKey: string | null): Promise<Open311Client> {
      if (!apiKey) throw new Open311Error(403, '缺少 api_key：提交诉求须使用热线签发的接入密钥', 'api_key');
      const client = apiKey.length <= 200 ? await enabledClientByKeyHash(deps.db, hashApiKey(apiKey)) : undefined;
      if (!client) throw new Open311Error(403, 'api_key 无效或已停用，无法提交诉求', 'api_key');
      return client;
    },

    /** One jurisdiction is served; naming another is a 404, naming none is fine (the spec's "optional"). */
    checkJurisdiction(id: string | null | undefined): void {
      if (id && id !== deps.jurisdictionId) {
        throw new Open311Error(404, `jurisdiction_id ${id} 不存在：本接口只服务 ${deps.jurisdictionId}`, 'jurisdiction_id');
      }
    },

    async create(s: Submission, client: Open311Client, ip: string): Promise<{ number: string; notice: string | null; created: boolean }> {
      const classifier = deps.classifier();
      if (!findService(classifier.rules, s.service_code)) {
        throw new Open311Error(404, `service_code ${s.service_code} 不存在（见 services.json）`, 'service_code');
      }
      const now = deps.now();
      const scope = `open311:${client.id}`;
      const digest = submissionDigest(s);
      const key = keyFor(digest, beijingDay(now));
      // A retry of a POST whose answer was lost: the same body from the same client within a day.
      const earlier = await orderNumberByKeys(
        deps.sql,
        scope,
        [key, keyFor(digest, beijingDay(new Date(now.getTime() - DAY)))],
        new Date(now.getTime() - DAY),
      );
      if (earlier) return { number: earlier, notice: null, created: false };

      const area = s.address_id ? areaNames(s.address_id) : null;
      if (s.address_id && !area && s.lat === null && !s.address_string) {
        throw invalid('address_id', '不是本热线的行政区划代码（GB/T 2260 及其街道、社区代码）');
      }
      // The area of an address_id is written out in full, so the rules find the place in words.
      const locationText = [area, s.address_string].filter(Boolean).join(' ') || null;
      const reading = classifier.classify(s.description, locationText);
      const agrees = reading.category.code === s.service_code;
      const { order, created, notice } = await deps.orders.intake(
        {
          channel: 'open311',
          citizenName: citizenName(s),
          citizenPhone: s.phone,
          content: s.description,
          locationText,
          categoryCode: agrees ? null : s.service_code,
        },
        {
          actor: { id: scope },
          idempotencyKey: key,
          idempotencyScope: scope,
          // The submission as the client sent it (never its api_key), as the web form's is kept.
          inbound: { client: { id: client.id, name: client.name }, submission: s, ip },
        },
      );
      return { number: order.number, notice: created ? notice : null, created };
    },

    /** GET requests: the filters of the spec, newest first, at most 1000. */
    async list(q: Query): Promise<Item[]> {
      const rules = deps.classifier().rules;
      const numbers = listOf(q, 'service_request_id');
      if (numbers) {
        // "This overrides all other arguments."
        if (numbers.length > MAX_REQUESTS) throw invalid('service_request_id', `一次最多 ${MAX_REQUESTS} 个`);
        const bad = numbers.find((n) => !NUMBER.test(n));
        if (bad) throw invalid('service_request_id', `${bad} 不是工单编号（如 12345-20261124-000123）`);
        const rows = await listOpen311Orders(deps.sql, { numbers, limit: MAX_REQUESTS });
        return rows.map((r) => requestItem(r, rules, areaNames));
      }
      const codes = listOf(q, 'service_code');
      const unknown = codes?.find((c) => !findService(rules, c));
      if (unknown) throw invalid('service_code', `${unknown} 不在 services.json 中`);
      const states = listOf(q, 'status');
      const wrong = states?.find((s) => s !== 'open' && s !== 'closed');
      if (wrong) throw invalid('status', `${wrong} 不是 open 或 closed`);
      let from = dateOf(q, 'start_date');
      let to = dateOf(q, 'end_date');
      if (!from && !to) to = deps.now();
      if (!from) from = new Date(to!.getTime() - WINDOW_DAYS * DAY);
      if (!to) to = new Date(from.getTime() + WINDOW_DAYS * DAY);
      if (from > to) throw invalid('end_date', '不能早于 start_date');
      if (to.getTime() - from.getTime() > WINDOW_DAYS * DAY) throw invalid('end_date', `查询范围不能超过 ${WINDOW_DAYS} 天`);
      const state = states && new Set(states).size === 1 ? (states[0] as 'open' | 'closed') : undefined;
      const rows = await listOpen311Orders(deps.sql, { categoryCodes: codes ?? undefined, from, to, state, limit: MAX_REQUESTS });
      return rows.map((r) => requestItem(r, rules, areaNames));
    },

    /** GET requests/{id}: the one request, or 404. */
    async one(number: string): Promise<Item[]> {
      const rows = NUMBER.test(number) ? await listOpen311Orders(deps.sql, { numbers: [number], limit: 1 }) : [];
      if (!rows[0]) throw new Open311Error(404, `service_request_id ${number} 不存在`, 'service_request_id');
      return [requestItem(rows[0], deps.classifier().rules, areaNames)];
    },

    /**
     * GET tokens/{token}: every service is realtime, so no POST answers a token; a
     * client written for batch servers may still ask, and the token of a request is
     * its service_request_id.
     */
    async token(token: string): Promise<Item[]> {
      const rows = NUMBER.test(token) ? await listOpen311Orders(deps.sql, { numbers: [token], limit: 1 }) : [];
      if (!rows[0]) throw new Open311Error(404, `token ${token} 不存在`, 'token');
      return [{ service_request_id: rows[0].number, token }];
    },
  };
}

export type Open311Service = ReturnType<typeof createOpen311Service>;
