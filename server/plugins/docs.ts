import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

/** One schema per route gives validation, types and this OpenAPI document. */
export default fp(
  async function docs(app) {
    await app.register(swagger, {
      openapi: {
        info: {
          title: '12345 政务服务便民热线 工单系统 API',
          description: '工单登记、分类、派单、签收、回复、回访、办结的全过程接口。',
          version: '0.1.0',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'POST /api/auth/login 返回的令牌' } } },
        tags: [
          { name: 'auth', description: '登录' },
          { name: 'classify', description: '规则分类' },
          { name: 'sla', description: '时限看板' },
          { name: 'public', description: '诉求人（无需登录）' },
          { name: 'channels', description: '渠道接入' },
          { name: 'orders', description: '工单' },
          { name: 'actions', description: '工单流转操作' },
          { name: 'kb', description: '知识库' },
          { name: 'reports', description: '报表' },
          { name: 'qa', description: '人工质检' },
          { name: 'meta', description: '代码与中文名称' },
          { name: 'health', description: '运行状态' },
        ],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'docs' },
);
