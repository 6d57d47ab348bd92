import type { OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';

type OpenAPIObject = ReturnType<OpenApiGeneratorV3['generateDocument']>;

/**
 * Every answer carries `X-Request-Id` (api/request-log.ts): the client's own id when it
 * sent a plain token, else one the server made. Declared once as a component and
 * referenced from every response of the document.
 */
export function withRequestIdHeader(doc: OpenAPIObject): OpenAPIObject {
  doc.components = { ...doc.components, headers: { ...doc.components?.headers, RequestId: REQUEST_ID_HEADER } };
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item as Record<string, { responses?: Record<string, { headers?: Record<string, unknown> }> }>)) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      for (const response of Object.values(op.responses)) response.headers = { ...response.headers, 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };
    }
  }
  return doc;
}

const REQUEST_ID_HEADER = {
  description:
    "The request's id, also on every log line written for it (and for the workflow activities it caused). A client may send its own in X-Request-Id (1–128 of letters, digits and ._:-, starting with a letter or digit); anything else is replaced by a generated UUID.",
  schema: { type: 'string', maxLength: 128 },
} as const;
