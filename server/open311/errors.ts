/**
 * GeoReport v2 errors: `errors` / `error` with a `code` and a `description` meant for
 * the person using the client. The HTTP status is the spec's: 404 for what does not
 * exist, 403 for a missing or wrong api_key, 400 for any other request that cannot
 * be done. The one exception is ours: when the database is away the answer stays 503
 * with Retry-After, so a client retries instead of dropping a citizen's complaint.
 */
import type { Item } from './format.ts';

export type Open311Status = 400 | 403 | 404 | 429 | 500 | 503;

export class Open311Error extends Error {
  override name = 'Open311Error';
  constructor(
    readonly status: Open311Status,
    readonly description: string,
    /** The argument at fault, named in the description too. */
    readonly field?: string,
  ) {
    super(description);
  }
}

export const missing = (field: string, what = field) => new Open311Error(400, `缺少必填参数 ${field}：${what}`, field);
export const invalid = (field: string, why: string) => new Open311Error(400, `参数 ${field} 不符合要求：${why}`, field);

/** The error as the spec's list: the code is the HTTP status, as in the spec's example. */
export const errorItems = (status: number, description: string): Item[] => [{ code: status, description }];

/** Any status the service would answer, as the spec's: 404 and 403 kept, 429 and 5xx kept (a client should wait and retry), the rest 400. */
export function open311Status(status: number): Open311Status {
  if (status === 404) return 404;
  if (status === 401 || status === 403) return 403;
  if (status === 429) return 429;
  if (status === 503) return 503;
  if (status >= 500) return 500;
  return 400;
}
