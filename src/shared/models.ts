import { z } from 'zod';
import { parseServerTime } from './invokeai/time';
import { WireQueueStatus } from './invokeai/queue';

/**
 * The seed models (shared/seed/models-and-enums.md), as zod schemas over plain data, and IvkVideo
 * beside IvkImage in the same style.
 *
 * Each model is a type plus a same-named object holding its schema and helpers, mirroring the
 * reference's classes one to one. `fromApiResponse` reads both the real server's payloads
 * (ImageDTO, SessionQueueItem, model configs) and records in the reference's own field names;
 * `toDict` turns a model back into JSON-safe data that `fromApiResponse` reads back unchanged.
 */

/** Thrown when a payload is not what a model needs; the message names the offending field. */
export class ModelParseError extends Error {
  override readonly name = 'ModelParseError';
  constructor(
    readonly model: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${model}: ${field || '(payload)'}: ${reason}`);
  }
}

function parseWith<T>(model: string, schema: z.ZodType<T>, data: unknown): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ModelParseError(model, issue?.path.join('.') ?? '', issue?.message ?? 'invalid');
}

/** The reference gives defaults where the server sends null: null and missing both take them. */
function orDefault<S extends z.ZodType>(schema: S, fallback: z.input<S>) {
  return z.preprocess((value) => value ?? fallback, schema);
}

/** A date from the server (zone-less UTC), from toDict (ISO) or already a Date. */
const DateField = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  return parseServerTime(value) ?? value;
}, z.date());

/** The reference types image dates as `datetime | str | None`: keep a string that is no date. */
const LenientDateField = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    return parseServerTime(value) ?? value;
  },
  z.union([z.date(), z.string()]),
);

const Dict = z.record(z.string(), z.unknown());
type Dict = z.infer<typeof Dict>;

function valuesOf<const T extends Record<string, string>>(members: T) {
  return Object.values(members) as [T[keyof T], ...T[keyof T][]];
}

// ---------------------------------------------------------------------------------------------
// Enums

export const JobStatus = {
  PENDING: 'pending',
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
} as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];
const JOB_STATUS_SCHEMA = z.enum(valuesOf(JobStatus));

/** The queue's wire spellings mapped onto the app's vocabulary. */
const FROM_WIRE_STATUS: Record<WireQueueStatus, JobStatus> = {
  pending: JobStatus.PENDING,
  waiting: JobStatus.PENDING,
  in_progress: JobStatus.RUNNING,
  completed: JobStatus.COMPLETED,
  failed: JobStatus.FAILED,
  canceled: JobStatus.CANCELLED,
};

export const JobStatusSchema = JOB_STATUS_SCHEMA;
export const JobStatusValues = JOB_STATUS_SCHEMA.options;
/** Maps a queue status as the server spells it (`in_progress`, `canceled`, `waiting`...). */
export function jobStatusFromWire(status: WireQueueStatus): JobStatus {
  return FROM_WIRE_STATUS[status];
}

export const ImageCategory = {
  USER: 'user',
  GENERAL: 'general',
  CONTROL: 'control',
  MASK: 'mask',
  OTHER: 'other',
} as const;
export type ImageCategory = (typeof ImageCategory)[keyof typeof ImageCategory];
export const ImageCategorySchema = z.enum(valuesOf(ImageCategory));
export const ImageCategoryValues = ImageCategorySchema.options;
/** The web UI's "Assets" tab: everything that is not a generated image. */
export const ASSET_CATEGORIES: readonly ImageCategory[] = ['user', 'control', 'mask', 'other'];

export const BaseModelEnum = {
  SD1: 'sd-1',
  SD2: 'sd-2',
  SDXL: 'sdxl',
  SDXL_REFINER: 'sdxl-refiner',
  FLUX: 'flux',
  FLUX_SCHNELL: 'flux-schnell',
} as const;
export type BaseModelEnum = (typeof BaseModelEnum)[keyof typeof BaseModelEnum];
export const BaseModelEnumSchema = z.enum(valuesOf(BaseModelEnum));
export const BaseModelEnumValues = BaseModelEnumSchema.options;
/**
 * A model's base as the app stores it. The server knows bases the reference lacks (sd-3, flux2,
 * cogview4, any, ...) and adds more every release; one of those must not make a model list
 * unreadable, so a base is one of the reference's members or any other non-empty string.
 */
export type BaseModel = BaseModelEnum | (string & {});
const BaseModelSchema = z.union([BaseModelEnumSchema, z.string().min(1)]);

// ---------------------------------------------------------------------------------------------
// IvkImage

const IvkImageSchema = z.object({
  image_name: z.string().min(1),
  board_id: orDefault(z.string().nullable(), null),
  image_category: orDefault(ImageCategorySchema, ImageCategory.GENERAL),
  width: orDefault(z.number().int().nullable(), null),
  height: orDefault(z.number().int().nullable(), null),
  created_at: orDefault(LenientDateField.nullable(), null),
  updated_at: orDefault(LenientDateField.nullable(), null),
  starred: orDefault(z.boolean(), false),
  metadata: orDefault(Dict.nullable(), null),
  thumbnail_url: orDefault(z.string().nullable(), null),
  image_url: orDefault(z.string().nullable(), null),
  is_intermediate: orDefault(z.boolean(), false),
  workflow_id: orDefault(z.string().nullable(), null),
  node_id: orDefault(z.string().nullable(), null),
  session_id: orDefault(z.string().nullable(), null),
});

export type IvkImage = z.infer<typeof IvkImageSchema>;

export const IvkImage = {
  schema: IvkImageSchema,
  /** Reads an ImageDTO or a reference-shaped record; extra server fields are dropped. */
  fromApiResponse(data: unknown): IvkImage {
    return parseWith('IvkImage', IvkImageSchema, data);
  },
  toDict(image: IvkImage): Dict {
    return {
      ...image,
      created_at: dateToJson(image.created_at),
      updated_at: dateToJson(image.updated_at),
      metadata: image.metadata === null ? null : structuredClone(image.metadata),
    };
  },
};

// ---------------------------------------------------------------------------------------------
// IvkVideo

/**
 * A video in the gallery (InvokeAI 6.14's VideoDTO), the image model's twin: the same fields
 * under the server's `video_` names, plus `duration` (seconds) and `fps`.
 */
const IvkVideoSchema = z.object({
  video_name: z.string().min(1),
  board_id: orDefault(z.string().nullable(), null),
  video_category: orDefault(ImageCategorySchema, ImageCategory.GENERAL),
  width: orDefault(z.number().int().nullable(), null),
  height: orDefault(z.number().int().nullable(), null),
  duration: orDefault(z.number().min(0).nullable(), null),
  fps: orDefault(z.number().positive().nullable(), null),
  created_at: orDefault(LenientDateField.nullable(), null),
  updated_at: orDefault(LenientDateField.nullable(), null),
  starred: orDefault(z.boolean(), false),
  metadata: orDefault(Dict.nullable(), null),
  thumbnail_url: orDefault(z.string().nullable(), null),
  video_url: orDefault(z.string().nullable(), null),
  is_intermediate: orDefault(z.boolean(), false),
  node_id: orDefault(z.string().nullable(), null),
  session_id: orDefault(z.string().nullable(), null),
});

export type IvkVideo = z.infer<typeof IvkVideoSchema>;

export const IvkVideo = {
  schema: IvkVideoSchema,
  /** Reads a VideoDTO or a record from toDict; extra server fields are dropped. */
  fromApiResponse(data: unknown): IvkVideo {
    return parseWith('IvkVideo', IvkVideoSchema, data);
  },
  toDict(video: IvkVideo): Dict {
    return {
      ...video,
      created_at: dateToJson(video.created_at),
      updated_at: dateToJson(video.updated_at),
      metadata: video.metadata === null ? null : structuredClone(video.metadata),
    };
  },
};

// ---------------------------------------------------------------------------------------------
// IvkJob

const IvkJobSchema = z.object({
  id: z.string().min(1),
  workflow_id: orDefault(z.string().nullable(), null),
  status: orDefault(JOB_STATUS_SCHEMA, JobStatus.PENDING),
  progress: orDefault(z.number().min(0).max(1), 0),
  created_at: orDefault(DateField.nullable(), null),
  started_at: orDefault(DateField.nullable(), null),
  completed_at: orDefault(DateField.nullable(), null),
  error: orDefault(z.string().nullable(), null),
  outputs: orDefault(Dict, {}),
  metadata: orDefault(Dict, {}),
});

export type IvkJob = z.infer<typeof IvkJobSchema>;

/**
 * The SessionQueueItem fields IvkJob reads. Only what the mapping needs is checked; the rest of
 * the item (the session graph especially) is passed through into `outputs` and `metadata`.
 */
const QueueItemFields = z.object({
  item_id: z.number().int(),
  status: WireQueueStatus,
  batch_id: z.string().nullish(),
  session_id: z.string().nullish(),
  queue_id: z.string().nullish(),
  priority: z.number().int().nullish(),
  status_sequence: z.number().int().nullish(),
  origin: z.string().nullish(),
  destination: z.string().nullish(),
  error_type: z.string().nullish(),
  error_message: z.string().nullish(),
  error_traceback: z.string().nullish(),
  created_at: z.string().nullish(),
  started_at: z.string().nullish(),
  completed_at: z.string().nullish(),
  user_id: z.string().nullish(),
  session: z.looseObject({ results: Dict.nullish() }).nullish(),
  workflow: z.looseObject({ id: z.string().nullish() }).nullish(),
});

function jobFromQueueItem(data: object): IvkJob {
  const item = parseWith('IvkJob', QueueItemFields, data);
  const status = FROM_WIRE_STATUS[item.status];
  const error = [item.error_type, item.error_message].filter(Boolean).join(': ');
  const metadata = dropNullish({
    item_id: item.item_id,
    queue_id: item.queue_id,
    batch_id: item.batch_id,
    session_id: item.session_id,
    priority: item.priority,
    status_sequence: item.status_sequence,
    wire_status: item.status,
    origin: item.origin,
    destination: item.destination,
    user_id: item.user_id,
    error_type: item.error_type,
    error_message: item.error_message,
    error_traceback: item.error_traceback,
  });
  return parseWith('IvkJob', IvkJobSchema, {
    id: String(item.item_id),
    workflow_id: item.workflow?.id ?? null,
    status,
    progress: status === JobStatus.COMPLETED ? 1 : 0,
    created_at: item.created_at,
    started_at: item.started_at,
    completed_at: item.completed_at,
    error: error || null,
    outputs: item.session?.results ?? {},
    metadata,
  });
}

export const IvkJob = {
  schema: IvkJobSchema,
  /** Reads a SessionQueueItem (it has `item_id`) or a reference-shaped record (it has `id`). */
  fromApiResponse(data: unknown): IvkJob {
    if (typeof data === 'object' && data !== null && 'item_id' in data) return jobFromQueueItem(data);
    return parseWith('IvkJob', IvkJobSchema, data);
  },
  isComplete(job: IvkJob): boolean {
    return job.status === JobStatus.COMPLETED || job.status === JobStatus.FAILED || job.status === JobStatus.CANCELLED;
  },
  isSuccessful(job: IvkJob): boolean {
    return job.status === JobStatus.COMPLETED;
  },
  toDict(job: IvkJob): Dict {
    return {
      ...job,
      created_at: dateToJson(job.created_at),
      started_at: dateToJson(job.started_at),
      completed_at: dateToJson(job.completed_at),
      outputs: structuredClone(job.outputs),
      metadata: structuredClone(job.metadata),
    };
  },
};

// ---------------------------------------------------------------------------------------------
// IvkDnnModel

const IvkDnnModelSchema = z.object({
  key: z.string().min(1),
  name: z.string(),
  base: BaseModelSchema,
  type: z.string().min(1),
  hash: orDefault(z.string().nullable(), null),
  path: orDefault(z.string().nullable(), null),
  description: orDefault(z.string().nullable(), null),
  format: orDefault(z.string().nullable(), null),
  variant: orDefault(z.string().nullable(), null),
  metadata: orDefault(Dict, {}),
});

export type IvkDnnModel = Omit<z.infer<typeof IvkDnnModelSchema>, 'base'> & { base: BaseModel };

const MODEL_FIELDS = new Set(Object.keys(IvkDnnModelSchema.shape));

export const IvkDnnModel = {
  schema: IvkDnnModelSchema,
  /**
   * Reads a model config or a reference-shaped record. A config's fields beyond the reference's
   * (file_size, source, trigger_phrases, default_settings, ...) are kept in `metadata` so that
   * nothing the server said is lost.
   */
  fromApiResponse(data: unknown): IvkDnnModel {
    const model = parseWith('IvkDnnModel', IvkDnnModelSchema, data);
    if (typeof data === 'object' && data !== null && !('metadata' in data)) {
      const extra = Object.entries(data).filter(([key]) => !MODEL_FIELDS.has(key));
      model.metadata = dropNullish(Object.fromEntries(extra));
    }
    return model;
  },
  toDict(model: IvkDnnModel): Dict {
    return { ...model, metadata: structuredClone(model.metadata) };
  },
};

// ---------------------------------------------------------------------------------------------

function dateToJson<T>(value: Date | T): string | T {
  return value instanceof Date ? value.toISOString() : value;
}

function dropNullish(record: Dict): Dict {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null && value !== undefined));
}
