import { z } from 'zod';

/**
 * A model config from `GET /api/v2/models/`. The server's AnyModelConfig is a union of dozens of
 * classes discriminated by (type, base, format) and grows every release, so check those and the
 * identity fields, and pass the rest through untouched.
 */
export const ModelConfig = z.looseObject({
  key: z.string(),
  hash: z.string().nullish(),
  path: z.string().nullish(),
  name: z.string(),
  description: z.string().nullish(),
  base: z.string(),
  type: z.string(),
  format: z.string().nullish(),
  variant: z.string().nullish(),
});
export type ModelConfig = z.infer<typeof ModelConfig>;

export const ModelsList = z.object({ models: z.array(z.unknown()) });
