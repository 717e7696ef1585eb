/**
 * 模型训练: learn the centre's history into a new text model when examples newer
 * than the newest model exist. The locking, storing and announcing are one
 * transaction in db/queries/training.ts; this is what is trained.
 */
import type { Sql } from '../../db/client.ts';
import { trainIfDue, type TrainingOutcome } from '../../db/queries/training.ts';
import { MODEL_VERSION, Trainer } from '../core/model.ts';

export function trainModelIfDue(sql: Sql, at: Date): Promise<TrainingOutcome> {
  return trainIfDue(sql, {
    at,
    version: MODEL_VERSION,
    async train(examples, count) {
      const trainer = new Trainer({ expected: count });
      for await (const e of examples) trainer.add(e.text, e.code);
      return trainer.finish();
    },
  });
}
