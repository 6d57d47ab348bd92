/**
 * The one error type the platform raises for anything a client should see.
 * `code` and `status` map straight onto the REST contract's error body, so an
 * error thrown deep in an extension reaches the client unchanged.
 */
export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }

  toBody() {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = []) =>
  new AppError(400, 'VALIDATION_FAILED', message, details);
export const notFound = (what: string) => new AppError(404, 'NOT_FOUND', `${what} was not found`);
export const invalidState = (message: string) => new AppError(409, 'INVALID_STATE', message);
export const versionConflict = (message: string) => new AppError(409, 'VERSION_CONFLICT', message);
export const businessRule = (code: string, message: string, details: ErrorDetail[] = []) =>
  new AppError(422, code, message, details);

/** Error codes that are business outcomes, not faults: activities must not retry them. */
export const NON_RETRYABLE_STATUSES = new Set([400, 404, 409, 422]);
