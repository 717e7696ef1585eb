/**
 * The centre's labelled history (training_examples) and the text models trained
 * from it (classifier_models). An example is written once per key: re-importing a
 * file or replaying a correction adds nothing.
 */
import { and, desc, eq, sql as q } from 'drizzle-orm';
import { UNDERSTANDING_CHANGED } from './understanding.ts';
import type { Sql } from '../client.ts';
import { orderEvents, units } from '../schema.ts';
import { trainingExamples, type TrainingSource } from '../schema-understanding.ts';
import type { Tx } from './actions.ts';

/** Every instance LISTENs here and rebuilds its classifier: a new model, new place aliases. */
/** Any fixed number will do; only one instance trains at a time. */
export const TRAINING_LOCK = 12345_0014;

export interface NewExample {
  key: string;
  source: TrainingSource;
  text: string;
  categoryCode: string;
  requestType?: string | null;
  areaCode?: string | null;
  unitId?: string | null;
  orderId?: number | null;
}

/** Many examples in one statement; how many were new. */
export async function insertExamples(sql: Sql, rows: NewExample[]): Promise<number> {
  if (rows.length === 0) return 0;
  const values = rows.map((r) => ({
    key: r.key,
    source: r.source,
    text: r.text,
    category_code: r.categoryCode,
    request_type: r.requestType ?? null,
    area_code: r.areaCode ?? null,
    unit_id: r.unitId ?? null,
    order_id: r.orderId ?? null,
  }));
  const inserted = await sql`
    insert into training_examples ${sql(values, 'key', 'source', 'text', 'category_code', 'request_type', 'area_code', 'unit_id', 'order_id')}
    on conflict (key) do nothing
    returning 1`;
  return inserted.length;
}

/** One example in an order step's transaction (a correction, a re-dispatch). */
export async function writeExample(tx: Tx, row: NewExample, at: Date): Promise<void> {
  await tx
    .insert(trainingExamples)
    .values({ ...row, createdAt: at })
    .onConflictDoNothing();
}

/** An order's earlier examples of one source: a later re-dispatch supersedes them. */
export async function dropOrderExamples(tx: Tx, orderId: number, source: TrainingSource): Promise<void> {
  await tx.delete(trainingExamples).where(and(eq(trainingExamples.orderId, orderId), eq(trainingExamples.source, source)));
}

/** The reason code of the order's latest 退单, if it has one. */
export async function lastReturnReason(tx: Tx, orderId: number): Promise<string | null> {
  const [row] = await tx
    .select({ reason: q<string | null>`${orderEvents.payload}->>'reasonCode'` })
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.action, 'return')))
    .orderBy(desc(orderEvents.id))
    .limit(1);
  return row?.reason ?? null;
}

/** The area a unit serves (a department's is its government's). */
export async function unitArea(tx: Tx, unitId: string): Promise<string | null> {
  const [row] = await tx.select({ areaCode: units.areaCode }).from(units).where(eq(units.id, unitId));
  return row?.areaCode ?? null;
}

export interface StoredModel {
  id: number;
  trainedAt: Date;
  exampleCount: number;
  throughExampleId: number;
  model: unknown;
}

/** The model every instance serves: the newest. */
export async function newestModel(sql: Sql): Promise<StoredModel | null> {
  const [row] = await sql<{ id: string; trained_at: Date; example_count: number; through_example_id: string; model: unknown }[]>`
    select id, trained_at, example_count, through_example_id, model from classifier_models order by id desc limit 1`;
  return row
    ? {
        id: Number(row.id),
        trainedAt: row.trained_at,
        exampleCount: row.example_count,
        throughExampleId: Number(row.through_example_id),
        model: row.model,
      }
    : null;
}

export interface TrainingRun {
  /** Feeds the examples (grouped by category) to a trainer and returns the model's JSON. */
  train(examples: AsyncIterable<{ text: string; code: string }>, count: number): Promise<unknown>;
  at: Date;
  /** The model version trained now: a newest model of another version is retrained even with no new example. */
  version?: number;
  /** How many models to keep, the newest included. */
  keep?: number;
}

export type TrainingOutcome =
  | { trained: true; modelId: number; examples: number; throughExampleId: number }
  | { trained: false; reason: 'busy' | 'up_to_date' | 'no_examples' };

/**
 * One training step, safe with several instances: in one transaction, take the
 * training lock or leave (another instance is at it), see whether any example is
 * newer than the newest model, train on every example, store the model, drop the
 * old ones, and announce it. Two instances racing make one model: the second
 * either finds the lock taken or, once the first committed, nothing new.
 */
export function trainIfDue(sql: Sql, run: TrainingRun): Promise<TrainingOutcome> {
  return sql.begin(async (tx) => {
    const [lock] = await tx<{ got: boolean }[]>`select pg_try_advisory_xact_lock(${TRAINING_LOCK}) as got`;
    if (!lock!.got) return { trained: false, reason: 'busy' } as const;
    const [state] = await tx<{ newest: string | null; through: string | null; version: string | null; count: string }[]>`
      select (select max(id) from training_examples) as newest,
             (select through_example_id from classifier_models order by id desc limit 1) as through,
             (select model->>'version' from classifier_models order by id desc limit 1) as version,
             (select count(*) from training_examples) as count`;
    if (state!.newest === null) return { trained: false, reason: 'no_examples' } as const;
    const newest = Number(state!.newest);
    const stale = run.version !== undefined && state!.version !== null && state!.version !== String(run.version);
    if (state!.through !== null && Number(state!.through) >= newest && !stale) return { trained: false, reason: 'up_to_date' } as const;

    const count = Number(state!.count);
    // Grouped by category, which the trainer counts fastest; only what existed when the step began.
    const cursor = tx<{ text: string; category_code: string }[]>`
      select text, category_code from training_examples where id <= ${newest} order by category_code, id`.cursor(2000);
    async function* examples() {
      for await (const rows of cursor) for (const r of rows) yield { text: r.text, code: r.category_code };
    }
    const model = await run.train(examples(), count);
    const [stored] = await tx<{ id: string }[]>`
      insert into classifier_models (trained_at, example_count, through_example_id, model)
      values (${run.at.toISOString()}, ${count}, ${newest}, ${JSON.stringify(model)}::jsonb)
      returning id`;
    const modelId = Number(stored!.id);
    await tx`
      delete from classifier_models
      where id not in (select id from classifier_models order by id desc limit ${run.keep ?? 3})`;
    await tx`select pg_notify(${UNDERSTANDING_CHANGED}, ${JSON.stringify({ kind: 'model', model: modelId })})`;
    return { trained: true, modelId, examples: count, throughExampleId: newest } as const;
  });
}
