/**
 * The error every failed API call throws: the HTTP code and the server's `Status`. When the body
 * is not a Status (a proxy's HTML page, an empty 503), one is made up from the HTTP code the way
 * client-go's NewGenericServerResponse does, so callers can always branch on `reason`.
 */
import type { Status } from '../api/errors.js';
import { isPlainObject } from '../api/types.js';
import { SvcnetError } from '../common/errors.js';

/** `code` (from SvcnetError) is the Status reason, as on the server's ApiError. */
export class ClientError extends SvcnetError {
  readonly httpCode: number;
  readonly status: Status;
  constructor(httpCode: number, status: Status) {
    super(status.reason || 'Unknown', status.message || `the server responded with the status code ${httpCode}`);
    this.name = 'ClientError';
    this.httpCode = httpCode;
    this.status = status;
  }

  get reason(): string {
    return this.code;
  }
}

const reasonByHttpCode: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function isStatus(v: unknown): v is Status {
  return isPlainObject(v) && v.kind === 'Status' && typeof v.code === 'number';
}

/** Builds the ClientError for a non-2xx answer from its raw body. */
export function clientErrorFromResponse(httpCode: number, body: string): ClientError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isStatus(parsed)) return new ClientError(httpCode, parsed);
  const text = body.trim();
  const message = text && text.length < 1024 ? text : `the server responded with the status code ${httpCode} but did not return more information`;
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: reasonByHttpCode[httpCode] ?? 'Unknown', code: httpCode };
  return new ClientError(httpCode, status);
}

function hasReason(err: unknown, reason: string): boolean {
  return err instanceof ClientError && err.reason === reason;
}

export const isNotFound = (err: unknown): boolean => hasReason(err, 'NotFound');
export const isAlreadyExists = (err: unknown): boolean => hasReason(err, 'AlreadyExists');
export const isConflict = (err: unknown): boolean => hasReason(err, 'Conflict');
export const isInvalid = (err: unknown): boolean => hasReason(err, 'Invalid');
/** 410: the resourceVersion or continue token is older than the server's history. */
export const isExpired = (err: unknown): boolean => err instanceof ClientError && (err.httpCode === 410 || err.reason === 'Expired' || err.reason === 'Gone');
