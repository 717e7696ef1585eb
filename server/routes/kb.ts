/**
 * 知识库: entries, their versions and search. Editors (kb_editor) write their
 * unit's drafts; the hotline's knowledge team (kb_admin) reviews, publishes,
 * withdraws and rolls back; the desks search what is published and in force.
 * The routes check the shape of a request and call app.kb, which decides.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { KbEntry } from '../core/knowledge.ts';
import { KB_SEARCH_ROLES } from '../core/knowledge.ts';
import {
  CreateEntryBody,
  Entry,
  EntryId,
  EntryList,
  kbErrors as errors,
  ListQuery,
  NoteBody,
  RollbackBody,
  SearchQuery,
  SearchResult,
  UpdateEntryBody,
  Versions,
} from './kb.schema.ts';

const shape = (e: KbEntry) => ({ ...e, createdAt: e.createdAt.toISOString(), updatedAt: e.updatedAt.toISOString() });

const kbRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const common = { tags: ['kb'], security: [{ bearer: [] }] };
  const kbRoles = app.requireUser(['kb_editor', 'kb_admin']);
  const kbAdmin = app.requireUser(['kb_admin']);
  const readers = app.requireUser([...KB_SEARCH_ROLES]);
  const as = (request: FastifyRequest) => ({ viewer: request.viewer! });
  const idOf = (request: { params: { id: string } }) => Number(request.params.id);

  app.post(
    '/entries',
    {
      preHandler: kbRoles,
      schema: {
        ...common,
        summary: '新建知识条目（草稿）',
        description:
          '新建的条目是草稿，经知识库组发布后才能检索到。标题唯一（409 KB_TITLE_TAKEN，field 为 title）；事项分类、区域须存在（422）。知识库编辑只能为本单位新建。',
        body: CreateEntryBody,
        response: { 201: Entry, ...errors },
      },
    },
    async (request, reply) => {
      const { unitId, ...input } = request.body as Record<string, unknown> & { unitId?: string };
      const entry = await app.kb.create(input, { ...as(request), unitId });
      return reply.status(201).header('location', `/api/kb/entries/${entry.id}`).send(shape(entry));
    },
  );

  app.get(
    '/entries',
    {
      preHandler: kbRoles,
      schema: {
        ...common,
        summary: '知识条目列表（知识库组与编辑）',
        description: '按状态、维护单位、标题筛选；按 id 排序，nextCursor 传回 after 取下一页。知识库编辑只看到本单位的条目。',
        querystring: ListQuery,
        response: { 200: EntryList, ...errors },
      },
    },
    async (request) => {
      const { after, limit = 100, ...filter } = request.query;
      const rows = await app.kb.list({ ...filter, afterId: after, limit: limit + 1 }, as(request));
      const entries = rows.slice(0, limit).map(shape);
      return { entries, ...(rows.length > limit ? { nextCursor: entries.at(-1)!.id } : {}) };
    },
  );

  app.get(
    '/entries/:id',
    {
      preHandler: readers,
      schema: {
        ...common,
        summary: '查看知识条目',
        description: '话务员、派单员、承办人只能查看已发布的条目；草稿等只有本单位编辑和知识库组能看到（否则 404）。',
        params: EntryId,
        response: { 200: Entry, ...errors },
      },
    },
    async (request) => shape(await app.kb.get(idOf(request), as(request))),
  );

  app.patch(
    '/entries/:id',
    {
      preHandler: kbRoles,
      schema: {
        ...common,
        summary: '修改知识条目',
        description:
          '每次修改生成新版本。修改后条目回到草稿，须重新发布：话务员宣读的内容必须是审核过的。知识库编辑只能修改本单位的草稿；知识库组可修改任何条目。可带 version 防止覆盖他人的修改（409）。',
        params: EntryId,
        body: UpdateEntryBody,
        response: { 200: Entry, ...errors },
      },
    },
    async (request) => shape(await app.kb.update(idOf(request), request.body as Record<string, unknown>, as(request))),
  );

  app.get(
    '/entries/:id/versions',
    {
      preHandler: readers,
      schema: {
        ...common,
        summary: '知识条目的全部版本',
        description: '从第 1 版起，每版的变更、全部字段、操作人与时间。版本只增不改。',
        params: EntryId,
        response: { 200: Versions, ...errors },
      },
    },
    async (request) => {
      const versions = await app.kb.versions(idOf(request), as(request));
      return { versions: versions.map(({ entryId: _e, ...v }) => ({ ...v, at: v.at.toISOString() })) };
    },
  );

  const action = (name: 'publish' | 'withdraw', summary: string, description: string) =>
    app.post(
      `/entries/:id/actions/${name}`,
      {
        preHandler: kbAdmin,
        schema: { ...common, summary, description, params: EntryId, body: NoteBody, response: { 200: Entry, ...errors } },
      },
      async (request) => shape(await app.kb[name](idOf(request), { ...as(request), note: request.body?.note })),
    );
  action(
    'publish',
    '发布知识条目（知识库组）',
    '只能发布草稿（409）；失效日期已到的不能发布（422，field 为 expiresOn）。发布后在生效期内可被检索。',
  );
  action('withdraw', '撤回知识条目（知识库组）', '撤回后立即不再被检索到；可再修改并重新发布。');

  app.post(
    '/entries/:id/actions/rollback',
    {
      preHandler: kbAdmin,
      schema: {
        ...common,
        summary: '回滚知识条目（知识库组）',
        description: '以指定版本的内容生成一个新版本（草稿），原有版本都保留；须重新发布。版本不存在时 422（field 为 version）。',
        params: EntryId,
        body: RollbackBody,
        response: { 200: Entry, ...errors },
      },
    },
    async (request) => shape(await app.kb.rollback(idOf(request), request.body.version, { ...as(request), note: request.body.note })),
  );

  app.get(
    '/search',
    {
      preHandler: readers,
      schema: {
        ...common,
        summary: '知识检索',
        description:
          '用来电人的原话检索已发布且在生效期内的条目，最相关的在前。问题经分词，并按 rules/kb-synonyms.yaml 与条目自身的关键词、同义词扩展；标题命中权重最高。没有相关条目时返回空列表。',
        querystring: SearchQuery,
        response: { 200: SearchResult, ...errors },
      },
    },
    async (request) => {
      const { q, limit, areaCode } = request.query;
      const hits = await app.kb.search({ q, limit, areaCode }, as(request));
      return { entries: hits.map((h) => ({ ...h, updatedAt: new Date(h.updatedAt).toISOString() })) };
    },
  );

  app.get(
    '/expiring',
    {
      preHandler: kbRoles,
      schema: {
        ...common,
        summary: '30 天内到期的知识条目',
        description: '已发布、失效日期在今后 30 天内的条目，最早到期的在前：编辑看本单位的，知识库组看全部。',
        response: { 200: EntryList, ...errors },
      },
    },
    async (request) => ({ entries: (await app.kb.expiring(as(request))).map(shape) }),
  );
};

export default kbRoutes;
