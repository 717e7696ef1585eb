/**
 * The codes the API speaks, with their Chinese labels, straight from the core's
 * tables: the pages read them here instead of keeping copies that drift.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ROLE_LABELS, ROLES } from '../core/access.ts';
import {
  CLOCK_KINDS,
  CLOCK_LABELS,
  CLOCK_STANDINGS,
  STAGE_LABELS,
  STAGE_SIGNALS,
  STAGES,
  STANDING_LABELS,
  URGENCY_CLASS_LABELS,
  URGENCY_CLASSES,
} from '../core/deadlines.ts';
import { STATUS_LABELS, STATUSES } from '../core/lifecycle.ts';
import { REQUEST_TYPE_LABELS, REQUEST_TYPES, URGENCIES, URGENCY_LABELS } from '../core/lists.ts';
import { childAreas } from '../../db/queries/areas.ts';
import { searchUnits, unitNames, visibleUnit, type UnitOwner } from '../../db/queries/units.ts';
import { DomainError } from '../core/errors.ts';
import { isCityWide } from '../core/access.ts';
import type { Route } from '../core/rules.ts';
import { userNames } from '../../db/queries/users.ts';
import {
  AreaChildren,
  AreaChildrenQuery,
  AreaNames,
  AreaNamesQuery,
  DeskFeatures,
  MatterCatalogue,
  UnitNames,
  UnitNamesQuery,
  UnitSearch,
  UnitSearchQuery,
  UserNames,
  UserNamesQuery,
} from './meta.schema.ts';
import { CreateOrderBody } from './orders.schema.ts';

const Entry = Type.Object({ code: Type.String(), label: Type.String() });
const List = (description: string) => Type.Array(Entry, { description });

const Labels = Type.Object({
  statuses: List('工单状态'),
  clockKinds: List('时限种类，按看板的列序'),
  stages: Type.Array(Type.Object({ ...Entry.properties, signal: Type.String({ description: '实时推送的消息类型 sla.<signal>' }) }), {
    description: '时限升级阶梯，按触发顺序',
  }),
  standings: List('看板的三栏：按时、黄灯、红灯'),
  roles: List('用户角色'),
  urgencies: List('紧急程度'),
  urgencyClasses: List('时限的紧急类别'),
  requestTypes: List('诉求类型'),
});

/** The dispatch catalogue's owner of a matter, as the kind of unit that holds it. */
function ownerUnits(route: Route): UnitOwner {
  if (route.owner === 'city_department') return { kind: 'department', level: 'city', departmentKey: route.department ?? null };
  if (route.owner === 'district_department') return { kind: 'department', level: 'district', departmentKey: route.department ?? null };
  return { kind: 'government', level: route.owner, departmentKey: null };
}

const entries = <K extends string>(codes: readonly K[], labels: Record<K, string>) => codes.map((code) => ({ code, label: labels[code] }));

/** Built once: the tables are constants of the code, the same for every request. */
const LABELS = {
  statuses: entries(STATUSES, STATUS_LABELS),
  clockKinds: entries(CLOCK_KINDS, CLOCK_LABELS),
  stages: STAGES.map((code) => ({ code, label: STAGE_LABELS[code], signal: STAGE_SIGNALS[code] })),
  standings: entries(CLOCK_STANDINGS, STANDING_LABELS),
  roles: entries(ROLES, ROLE_LABELS),
  urgencies: entries(URGENCIES, URGENCY_LABELS),
  urgencyClasses: entries(URGENCY_CLASSES, URGENCY_CLASS_LABELS),
  requestTypes: entries(REQUEST_TYPES, REQUEST_TYPE_LABELS),
};

const metaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/labels',
    {
      schema: {
        summary: '代码与中文名称',
        description:
          '接口使用的各类代码及其中文名称（工单状态、时限种类、升级阶梯、看板三栏、角色、紧急程度、时限紧急类别），每类按规定顺序排列。无需登录，内容只随版本变化。',
        tags: ['meta'],
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: Labels },
      },
    },
    // Constants of the deployed code: a page may keep them for a few minutes.
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(LABELS),
  );

  app.get(
    '/matters',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '事项目录（按大类）',
        description: '规则（rules/matters/）中的事项大类及其事项，按规则文件的顺序；话务台的事项选择据此分组。',
        tags: ['meta'],
        security: [{ bearer: [] }],
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: MatterCatalogue },
      },
    },
    async () => {
      const { families, categories } = app.classifier.rules;
      return {
        families: families.map((f) => ({
          code: f.code,
          name: f.name,
          matters: categories.filter((c) => c.family === f.code).map((c) => ({ code: c.code, name: c.name })),
        })),
      };
    },
  );

  app.get(
    '/areas',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '行政区划的下一级',
        description: '`parent` 下一级的区划（不给 `parent` 时为最上一级），按代码排序；区划选择逐级展开时调用。',
        tags: ['meta'],
        security: [{ bearer: [] }],
        querystring: AreaChildrenQuery,
        response: { 200: AreaChildren },
      },
    },
    async (request) => {
      const rows = await childAreas(app.sql, request.query.parent ?? null);
      return { areas: rows.map((r) => ({ code: r.code, name: r.name, level: r.level, leaf: !r.has_children })) };
    },
  );

  app.get(
    '/area-names',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '行政区划名称',
        description: '按代码查区划名称及其上级路径（工作台显示名称，不显示代码）；未加载的代码不返回。',
        tags: ['meta'],
        security: [{ bearer: [] }],
        querystring: AreaNamesQuery,
        response: { 200: AreaNames },
      },
    },
    async (request) => ({
      areas: request.query.codes.split(',').flatMap((code) => {
        const area = app.classifier.places.get(code);
        return area ? [{ code, name: area.name, path: area.path.map((p) => ({ code: p.code, name: p.name })) }] : [];
      }),
    }),
  );

  app.get(
    '/features',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '工作台可用的功能',
        description: '本服务是否提供知识库检索、登记时是否接受诉求类型；工作台据此显示或停用相应部分。',
        tags: ['meta'],
        security: [{ bearer: [] }],
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: DeskFeatures },
      },
    },
    async () => ({
      knowledgeBase: app.hasRoute({ method: 'GET', url: '/api/kb/search' }),
      requestType: 'requestType' in CreateOrderBody.properties,
    }),
  );

  app.get(
    '/units',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '单位名称',
        description: '按 id 查单位名称（工作台显示单位名称，不显示 id）；不存在的 id 不返回。',
        tags: ['meta'],
        security: [{ bearer: [] }],
        querystring: UnitNamesQuery,
        response: { 200: UnitNames },
      },
    },
    async (request) => ({ units: await unitNames(app.sql, request.query.ids.split(',')) }),
  );

  app.get(
    '/unit-search',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '按名称查找单位（单位选择）',
        description:
          '名称包含 `q` 的单位，附所属区、上级路径与类别；给出 `matter` 时派单目录中该事项的主管单位排在前面。`under` 限定在某单位及其下级中查找；承办人、督办只能在本单位辖区内查找（不给 `under` 即为本单位辖区），派单异议注明职责单位时可加 `cityWide=true` 在全市查找。',
        tags: ['meta'],
        security: [{ bearer: [] }],
        querystring: UnitSearchQuery,
        response: { 200: UnitSearch },
      },
    },
    async (request) => {
      const { q, matter, under, cityWide, limit } = request.query;
      const viewer = request.viewer!;
      let route: Route | undefined;
      if (matter) {
        route = app.classifier.rules.routes.get(matter);
        if (!route) throw new DomainError('UNKNOWN_CATEGORY', `事项分类 ${matter} 不在事项目录中`, { field: 'matter' });
      }
      // Outside the city-wide desks a search stays in the viewer's own subtree: the tree above is not theirs to browse.
      // 派单异议 names the unit whose duty it is, mostly outside one's own subtree: unit names are no secret.
      let root = under ?? (isCityWide(viewer) || cityWide ? null : viewer.unitId);
      if (root) {
        root = await visibleUnit(app.sql, viewer, root).then(
          (u) => u.id,
          (err: unknown) => {
            throw err instanceof DomainError ? new DomainError(err.code, err.message, { field: 'under' }) : err;
          },
        );
      }
      const units = await searchUnits(app.sql, { text: q.trim(), under: root, owner: route ? ownerUnits(route) : null, limit });
      return { units };
    },
  );

  app.get(
    '/user-names',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '用户姓名',
        description: '按用户 id 查显示名（版本记录、工单时间线的操作人显示姓名，不显示 id）；不存在的 id 不返回。只返回姓名。',
        tags: ['meta'],
        security: [{ bearer: [] }],
        querystring: UserNamesQuery,
        response: { 200: UserNames },
      },
    },
    async (request) => ({ users: await userNames(app.sql, request.query.ids.split(',').map(Number)) }),
  );
};

export default metaRoutes;
