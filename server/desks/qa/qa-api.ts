/** 质检台's calls (/api/qa), typed from the routes' schemas like the shared client. */
import type { Static } from 'typebox';
import type { QaRubricReply, QaSample, QaScoreBody } from '../../routes/qa.schema.ts';
import type { QaStatus } from '../../core/qa.ts';
import { request, type Json } from '../shared/api.ts';

export type SampleView = Json<Static<typeof QaSample>>;
export type RubricView = Static<typeof QaRubricReply>;

export const qaApi = {
  rubric: () => request<RubricView>('/api/qa/rubric'),
  samples: (status: QaStatus, limit = 100) => request<{ items: SampleView[] }>(`/api/qa/samples?status=${status}&limit=${limit}`),
  score: (id: number, body: Static<typeof QaScoreBody>) => request<SampleView>(`/api/qa/samples/${id}/score`, { method: 'POST', body }),
};
