/** The HTTP side of the error catalogue: each kind of domain error answers one status. */
import { ERROR_CATALOGUE, type ErrorCode, type ErrorKind } from '../core/errors.ts';

/** The one HTTP status of each kind of error. */
export const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  unprocessable: 422,
  too_many: 429,
  internal: 500,
  unavailable: 503,
};

/** The HTTP status of a code of the catalogue. */
export const statusOf = (code: ErrorCode) => STATUS_OF[ERROR_CATALOGUE[code].kind];
