import { z } from 'zod';

/**
 * Error bodies FastAPI sends (openapi.json `HTTPValidationError`, `ValidationError`, and the
 * `{"detail": ...}` of an `HTTPException`). A 500 from an unhandled exception is plain text
 * `Internal Server Error`, not JSON, so these are tried and the raw text kept when they fail.
 */

export const ValidationErrorItem = z.looseObject({
  loc: z.array(z.union([z.string(), z.number()])),
  msg: z.string(),
  type: z.string(),
  input: z.unknown().optional(),
  ctx: z.record(z.string(), z.unknown()).optional(),
});
export type ValidationErrorItem = z.infer<typeof ValidationErrorItem>;

/** A 422: request validation failed; `loc` says where (`["query", "limit"]`). */
export const HTTPValidationError = z.object({ detail: z.array(ValidationErrorItem) });
export type HTTPValidationError = z.infer<typeof HTTPValidationError>;

/**
 * A raised HTTPException. `detail` is usually a string; board deletion with images sends an
 * object (`{message, deleted_images, ...}`) when it fails part-way.
 */
export const HTTPExceptionBody = z.object({
  detail: z.union([z.string(), z.looseObject({ message: z.string().optional() })]),
});
export type HTTPExceptionBody = z.infer<typeof HTTPExceptionBody>;
