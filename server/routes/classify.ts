import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorReply } from './orders.schema.ts';
import { Classification, ClassifyBody } from './classify.schema.ts';

const classifyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/',
    {
      preHandler: app.requireUser(),
      schema: {
        security: [{ bearer: [] }],
        summary: '诉求分类（不登记）',
        description:
          '按 rules/ 的规则给出事项分类、紧急程度、区域、承办单位、置信度、是否自动派单、是否转出，以及每条命中的规则和词语。接线员边输入边调用。',
        tags: ['classify'],
        body: ClassifyBody,
        response: { 200: Classification, 400: ErrorReply, 401: ErrorReply },
      },
    },
    async (request) => app.classifier.classify(request.body.text, request.body.location, { title: request.body.title }),
  );
};

export default classifyRoutes;
