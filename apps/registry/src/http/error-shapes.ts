import { HttpException } from '@nestjs/common';
import { ErrorKind, RosterError, isRosterError } from '@roster/errors';

const STATUS_OF_KIND: Record<ErrorKind, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const reasonPhrase = (status: number): string => REASON[status] ?? 'Error';

/** Auth0's Management API error body: `{statusCode, error, message, errorCode}`. */
export interface ManagementErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errorCode?: string;
}

export interface ErrorResponse<Body> {
  status: number;
  body: Body;
  headers: Record<string, string>;
}

/** Fastify's own errors (body parser, content type, size) carry `statusCode` and a `code` such as FST_ERR_CTP_*. */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

const frameworkErrorCode = (error: FrameworkError): string => {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'payload_too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    default:
      return 'invalid_body';
  }
};

/** Maps anything thrown while serving a request to a status, a stable code, a safe message and headers. */
export const classifyError = (
  error: unknown,
): { status: number; code: string; message: string; headers: Record<string, string> } => {
  if (isRosterError(error)) {
    const headers: Record<string, string> = {};
    const retryAfter = (error as RosterError).details?.retryAfterSeconds;
    if (typeof retryAfter === 'number') headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfter)));
    return { status: STATUS_OF_KIND[error.kind], code: error.code, message: error.message, headers };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? (response as { message: string[] }).message.join('; ')
          : String((response as { message?: unknown }).message ?? error.message);
    const code =
      status === 404
        ? 'not_found'
        : status === 400
          ? 'invalid_body'
          : reasonPhrase(status).toLowerCase().replace(/ /g, '_');
    return { status, code, message, headers: {} };
  }
  const framework = error as FrameworkError;
  if (typeof framework?.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    const message =
      framework.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'Request body is larger than the limit'
        : framework.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'Unsupported Content-Type'
          : `Payload validation error: '${framework.message ?? 'invalid body'}'`;
    return { status: framework.statusCode, code: frameworkErrorCode(framework), message, headers: {} };
  }
  return { status: 500, code: 'internal_error', message: 'Internal error', headers: {} };
};

export const managementErrorResponse = (error: unknown): ErrorResponse<ManagementErrorBody> => {
  const { status, code, message, headers } = classifyError(error);
  return { status, headers, body: { statusCode: status, error: reasonPhrase(status), message, errorCode: code } };
};

/** RFC 6749 §5.2 / RFC 7591 §3.2.2 error body. */
export interface OAuthErrorBody {
  error: string;
  error_description: string;
}

const OAUTH_CODE_OF_STATUS: Record<number, string> = {
  401: 'invalid_client',
  413: 'invalid_request',
  415: 'invalid_request',
  429: 'temporarily_unavailable',
};

export const oauthErrorResponse = (error: unknown): ErrorResponse<OAuthErrorBody> => {
  const { status, code, message, headers } = classifyError(error);
  // RosterErrors raised by the OAuth routes already carry an RFC error code; framework errors are mapped here.
  const oauthCode = isRosterError(error)
    ? code
    : (OAUTH_CODE_OF_STATUS[status] ?? (status >= 500 ? 'server_error' : 'invalid_request'));
  return {
    status,
    headers: { 'cache-control': 'no-store', pragma: 'no-cache', ...headers },
    body: { error: oauthCode, error_description: message },
  };
};
