/**
 * The one error type of the service. `code` is stable and meant for clients to
 * branch on; `message` is for people; `details` may name the offending field.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string, id: string | number) =>
  new AppError(404, `${what.toUpperCase()}_NOT_FOUND`, `${what} ${id} not found`);

export const badRequest = (code: string, message: string, field?: string) =>
  new AppError(400, code, message, field ? { field } : undefined);
