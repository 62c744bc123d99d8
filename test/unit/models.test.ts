import { describe, expect, it } from 'vitest';
import {
  BaseModelEnum,
  ImageCategory,
  IvkDnnModel,
  IvkImage,
  IvkJob,
  IvkVideo,
  JobStatus,
  JobStatusSchema,
  ModelParseError,
  jobStatusFromWire,
} from '../../src/shared/models';

/** Payloads shaped exactly as shared/invokeai/openapi.json and the real 6.14.2 server send them. */
function imageDto(overrides: Record<string, unknown> = {}) {
  return {
    image_name: '5f0c1c7e-1b7a-4c9e-9a51-2f6f1b0e8a11.png',
    image_url: 'api/v1/images/i/5f0c1c7e-1b7a-4c9e-9a51-2f6f1b0e8a11.png/full',
    thumbnail_url: 'api/v1/images/i/5f0c1c7e-1b7a-4c9e-9a51-2f6f1b0e8a11.png/thumbnail',
    image_origin: 'internal',
    image_category: 'general',
    width: 1024,
    height: 768,
    created_at: '2026-08-19 01:13:04.123',
    updated_at: '2026-08-19 01:14:00.5',
    deleted_at: null,
    is_intermediate: false,
    session_id: 'c3a4b6e0-0a4f-4f59-b7d4-1d2f3e4a5b6c',
    node_id: 'canvas_output',
    starred: true,
    has_workflow: false,
    image_subfolder: '',
    board_id: '2d1e9a7b-5a8c-4b3e-9f1d-7c6b5a4d3e2f',
    ...overrides,
  };
}

function queueItem(overrides: Record<string, unknown> = {}) {
  return {
    item_id: 42,
    status: 'completed',
    status_sequence: 3,
    priority: 0,
    batch_id: 'b1c2d3e4-0000-4000-8000-000000000001',
    origin: 'canvas',
    destination: 'gallery',
    session_id: 'c3a4b6e0-0a4f-4f59-b7d4-1d2f3e4a5b6c',
    error_type: null,
    error_message: null,
    error_traceback: null,
    created_at: '2026-08-19 01:12:00.000',
    updated_at: '2026-08-19 01:13:04.500',
    started_at: '2026-08-19 01:12:01.250',
    completed_at: '2026-08-19 01:13:04.500',
    queue_id: 'default',
    user_id: 'system',
    user_display_name: null,
    user_email: null,
    field_values: null,
    retried_from_item_id: null,
    device: 'cpu',
    workflow_call_id: null,
    parent_item_id: null,
    parent_session_id: null,
    root_item_id: null,
    workflow_call_depth: null,
    session: {
      id: 'c3a4b6e0-0a4f-4f59-b7d4-1d2f3e4a5b6c',
      graph: { id: 'g', nodes: {}, edges: [] },
      execution_graph: { id: 'eg', nodes: {}, edges: [] },
      executed: ['blank'],
      executed_history: ['blank'],
      results: {
        blank: {
          type: 'image_output',
          image: { image_name: '5f0c1c7e-1b7a-4c9e-9a51-2f6f1b0e8a11.png' },
          width: 1024,
          height: 768,
        },
      },
      errors: {},
      prepared_source_mapping: { blank: 'blank' },
      source_prepared_mapping: { blank: ['blank'] },
    },
    workflow: null,
    ...overrides,
  };
}

const sd1MainConfig = {
  key: '0b5c4f5e-8f0e-4a3c-9d1e-2a3b4c5d6e7f',
  hash: 'blake3:6f1d3c0e9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d',
  path: 'sd-1/main/stable-diffusion-v1-5',
  file_size: 2132625432,
  name: 'stable-diffusion-v1-5',
  description: 'Stable Diffusion version 1.5 diffusers model',
  source: 'stable-diffusion-v1-5/stable-diffusion-v1-5',
  source_type: 'hf_repo_id',
  source_api_response: null,
  cover_image: null,
  type: 'main',
  trigger_phrases: null,
  default_settings: null,
  config_path: null,
  base: 'sd-1',
  format: 'diffusers',
  repo_variant: 'fp16',
  variant: 'normal',
  prediction_type: 'epsilon',
  submodels: null,
};

describe('enums', () => {
  it('mirror the reference member names and values', () => {
    expect(JobStatus).toEqual({
      PENDING: 'pending',
      RUNNING: 'running',
      COMPLETED: 'completed',
      FAILED: 'failed',
      CANCELLED: 'cancelled',
    });
    expect(ImageCategory).toEqual({ USER: 'user', GENERAL: 'general', CONTROL: 'control', MASK: 'mask', OTHER: 'other' });
    expect(BaseModelEnum).toEqual({
      SD1: 'sd-1',
      SD2: 'sd-2',
      SDXL: 'sdxl',
      SDXL_REFINER: 'sdxl-refiner',
      FLUX: 'flux',
      FLUX_SCHNELL: 'flux-schnell',
    });
    expect(JobStatus.RUNNING).toBe('running');
    expect(ImageCategory.USER).toBe('user');
    expect(BaseModelEnum.FLUX_SCHNELL).toBe('flux-schnell');
  });

  it('schemas accept exactly the values', () => {
    expect(JobStatusSchema.parse('cancelled')).toBe('cancelled');
    expect(JobStatusSchema.safeParse('canceled').success).toBe(false);
  });

  it('maps every wire queue status onto the app vocabulary', () => {
    expect(jobStatusFromWire('in_progress')).toBe(JobStatus.RUNNING);
    expect(jobStatusFromWire('canceled')).toBe(JobStatus.CANCELLED);
    expect(jobStatusFromWire('waiting')).toBe(JobStatus.PENDING);
    expect(jobStatusFromWire('pending')).toBe(JobStatus.PENDING);
    expect(jobStatusFromWire('failed')).toBe(JobStatus.FAILED);
    expect(jobStatusFromWire('completed')).toBe(JobStatus.COMPLETED);
  });
});

describe('IvkImage.fromApiResponse', () => {
  it('reads a real ImageDTO, parsing its zone-less UTC timestamps and dropping fields it lacks', () => {
    const image = IvkImage.fromApiResponse(imageDto());
    expect(image).toEqual({
      image_name: '5f0c1c7e-1b7a-4c9e-9a51-2f6f1b0e8a11.png',
      board_id: '2d1e9a7b-5a8c-4b3e-9f1d-7c6b5a4d3e2f',
      image_category: 'general',
      width: 1024,
      height: 768,
      created_at: new Date('2026-08-19T01:13:04.123Z'),
      updated_at: new Date('2026-08-19T01:14:00.500Z'),
      starred: true,
      metadata: null,
      thumbnail_url: 'api/v1/images/i/5f0c1c7e-1b7a-4c9e-9a51-2f6f1b0e8a11.png/thumbnail',
      image_url: 'api/v1/images/i/5f0c1c7e-1b7a-4c9e-9a51-2f6f1b0e8a11.png/full',
      is_intermediate: false,
      workflow_id: null,
      node_id: 'canvas_output',
      session_id: 'c3a4b6e0-0a4f-4f59-b7d4-1d2f3e4a5b6c',
    });
    expect(image).not.toHaveProperty('image_origin');
    expect(image).not.toHaveProperty('has_workflow');
  });

  it('coerces the category string to ImageCategory for every category', () => {
    for (const category of Object.values(ImageCategory)) {
      expect(IvkImage.fromApiResponse(imageDto({ image_category: category })).image_category).toBe(category);
    }
  });

  it('gives an image without a category the general category', () => {
    expect(IvkImage.fromApiResponse({ image_name: 'abc.png' }).image_category).toBe(ImageCategory.GENERAL);
    expect(IvkImage.fromApiResponse({ image_name: 'abc.png', image_category: null }).image_category).toBe('general');
  });

  it('reads a reference-shaped record with the reference defaults', () => {
    expect(IvkImage.fromApiResponse({ image_name: 'abc.png', image_category: 'general' })).toEqual({
      image_name: 'abc.png',
      board_id: null,
      image_category: 'general',
      width: null,
      height: null,
      created_at: null,
      updated_at: null,
      starred: false,
      metadata: null,
      thumbnail_url: null,
      image_url: null,
      is_intermediate: false,
      workflow_id: null,
      node_id: null,
      session_id: null,
    });
  });

  it('takes the default where the server sends null', () => {
    const image = IvkImage.fromApiResponse({ image_name: 'a.png', starred: null, is_intermediate: null, board_id: null });
    expect(image.starred).toBe(false);
    expect(image.is_intermediate).toBe(false);
    expect(image.board_id).toBeNull();
  });

  it('keeps an image date that is not a timestamp as the string the reference allows', () => {
    expect(IvkImage.fromApiResponse({ image_name: 'a.png', created_at: 'yesterday' }).created_at).toBe('yesterday');
  });

  it.each([
    ['no image_name', { image_category: 'general' }, 'image_name'],
    ['a number for image_name', { image_name: 12 }, 'image_name'],
    ['an unknown category', { image_name: 'a.png', image_category: 'wallpaper' }, 'image_category'],
    ['a string for width', { image_name: 'a.png', width: '1024' }, 'width'],
    ['a string for starred', { image_name: 'a.png', starred: 'yes' }, 'starred'],
  ])('refuses a payload with %s, naming the field', (_label, payload, field) => {
    expect(() => IvkImage.fromApiResponse(payload)).toThrow(ModelParseError);
    expect(() => IvkImage.fromApiResponse(payload)).toThrow(new RegExp(`IvkImage: ${field}:`));
  });

  it('refuses what is not an object at all', () => {
    expect(() => IvkImage.fromApiResponse(null)).toThrow(ModelParseError);
    expect(() => IvkImage.fromApiResponse('a.png')).toThrow(/IvkImage/);
  });
});

describe('IvkImage.toDict', () => {
  it('returns plain JSON data: ISO dates, enum values, no undefined', () => {
    const dict = IvkImage.toDict(IvkImage.fromApiResponse(imageDto({ image_category: 'user' })));
    expect(dict.created_at).toBe('2026-08-19T01:13:04.123Z');
    expect(dict.image_category).toBe('user');
    expect(Object.values(dict)).not.toContain(undefined);
    expect(JSON.parse(JSON.stringify(dict))).toEqual(dict);
  });

  it('round-trips: fromApiResponse(toDict(x)) deep-equals x', () => {
    const withMetadata = IvkImage.fromApiResponse({
      ...imageDto(),
      metadata: { positive_prompt: 'a red fox', seed: 7, model: { name: 'sd15' } },
    });
    for (const image of [IvkImage.fromApiResponse(imageDto()), withMetadata, IvkImage.fromApiResponse({ image_name: 'x.png' })]) {
      expect(IvkImage.fromApiResponse(IvkImage.toDict(image))).toEqual(image);
    }
  });

  it('copies metadata so that changing the dict leaves the model alone', () => {
    const image = IvkImage.fromApiResponse({ image_name: 'a.png', metadata: { seed: 1 } });
    const dict = IvkImage.toDict(image) as { metadata: { seed: number } };
    dict.metadata.seed = 2;
    expect(image.metadata).toEqual({ seed: 1 });
  });
});

/** The VideoDTO the real InvokeAI 6.14.2 answered to `POST /videos/upload` of a 64×48, 2 s, 12 fps MP4 (test/support/mp4.ts). */
const REAL_VIDEO_DTO = {
  video_name: 'e8a37cc0-d54b-48d5-8bd3-40dce0984166.mp4',
  video_url: 'api/v1/videos/i/e8a37cc0-d54b-48d5-8bd3-40dce0984166.mp4/full',
  thumbnail_url: 'api/v1/videos/i/e8a37cc0-d54b-48d5-8bd3-40dce0984166.mp4/thumbnail',
  video_origin: 'external',
  video_category: 'user',
  width: 64,
  height: 48,
  duration: 2.0,
  fps: 12.0,
  created_at: '2026-12-07 03:00:16.906',
  updated_at: '2026-12-07 03:00:16.906',
  deleted_at: null,
  is_intermediate: false,
  session_id: null,
  node_id: null,
  starred: false,
  has_workflow: false,
  video_subfolder: '',
  board_id: null,
};

describe('IvkVideo', () => {
  it('reads a real VideoDTO: names, category, size, duration and fps, dates as UTC', () => {
    const video = IvkVideo.fromApiResponse(REAL_VIDEO_DTO);
    expect(video).toEqual({
      video_name: REAL_VIDEO_DTO.video_name,
      board_id: null,
      video_category: 'user',
      width: 64,
      height: 48,
      duration: 2,
      fps: 12,
      created_at: new Date('2026-12-07T03:00:16.906Z'),
      updated_at: new Date('2026-12-07T03:00:16.906Z'),
      starred: false,
      metadata: null,
      thumbnail_url: REAL_VIDEO_DTO.thumbnail_url,
      video_url: REAL_VIDEO_DTO.video_url,
      is_intermediate: false,
      node_id: null,
      session_id: null,
    });
  });

  it('round-trips through toDict as plain JSON', () => {
    for (const video of [
      IvkVideo.fromApiResponse(REAL_VIDEO_DTO),
      IvkVideo.fromApiResponse({ ...REAL_VIDEO_DTO, fps: null, board_id: 'b1', starred: true, metadata: { positive_prompt: 'waves' } }),
      IvkVideo.fromApiResponse({ video_name: 'x.mp4' }),
    ]) {
      const dict = IvkVideo.toDict(video);
      expect(JSON.parse(JSON.stringify(dict))).toEqual(dict);
      expect(IvkVideo.fromApiResponse(dict)).toEqual(video);
    }
  });

  it('names the field a payload gets wrong', () => {
    expect(() => IvkVideo.fromApiResponse({ ...REAL_VIDEO_DTO, duration: -1 })).toThrow(ModelParseError);
    expect(() => IvkVideo.fromApiResponse({ ...REAL_VIDEO_DTO, video_category: 'film' })).toThrow(/IvkVideo: video_category/);
    expect(() => IvkVideo.fromApiResponse({ image_name: 'a.png' })).toThrow(/IvkVideo: video_name/);
  });
});

describe('IvkJob.fromApiResponse', () => {
  it('reads a completed SessionQueueItem: id as string, dates parsed, progress 1, results as outputs', () => {
    const job = IvkJob.fromApiResponse(queueItem());
    expect(job.id).toBe('42');
    expect(job.status).toBe(JobStatus.COMPLETED);
    expect(job.progress).toBe(1);
    expect(job.created_at).toEqual(new Date('2026-08-19T01:12:00.000Z'));
    expect(job.started_at).toEqual(new Date('2026-08-19T01:12:01.250Z'));
    expect(job.completed_at).toEqual(new Date('2026-08-19T01:13:04.500Z'));
    expect(job.error).toBeNull();
    expect(job.outputs).toEqual(queueItem().session.results);
    expect(job.metadata).toMatchObject({
      item_id: 42,
      batch_id: 'b1c2d3e4-0000-4000-8000-000000000001',
      session_id: 'c3a4b6e0-0a4f-4f59-b7d4-1d2f3e4a5b6c',
      queue_id: 'default',
      wire_status: 'completed',
      origin: 'canvas',
      destination: 'gallery',
    });
    expect(IvkJob.isComplete(job)).toBe(true);
    expect(IvkJob.isSuccessful(job)).toBe(true);
  });

  it.each([
    ['in_progress', JobStatus.RUNNING],
    ['canceled', JobStatus.CANCELLED],
    ['waiting', JobStatus.PENDING],
    ['pending', JobStatus.PENDING],
  ] as const)('maps the wire status %s to %s with progress 0', (wire, status) => {
    const job = IvkJob.fromApiResponse(queueItem({ status: wire, completed_at: null }));
    expect(job.status).toBe(status);
    expect(job.progress).toBe(0);
  });

  it('carries error_type and error_message in error for a failed item', () => {
    const job = IvkJob.fromApiResponse(
      queueItem({
        status: 'failed',
        error_type: 'ImageFileNotFoundException',
        error_message: 'Image record not found',
        error_traceback: 'Traceback (most recent call last): ...',
      }),
    );
    expect(job.status).toBe(JobStatus.FAILED);
    expect(job.error).toBe('ImageFileNotFoundException: Image record not found');
    expect(job.metadata.error_traceback).toMatch(/Traceback/);
    expect(IvkJob.isComplete(job)).toBe(true);
    expect(IvkJob.isSuccessful(job)).toBe(false);
  });

  it('reads the item form of GET /queue/{id}/i/{item_id}, which leaves null fields out', () => {
    const sparse = Object.fromEntries(Object.entries(queueItem({ status: 'pending' })).filter(([, v]) => v !== null));
    delete sparse.started_at;
    delete sparse.completed_at;
    const job = IvkJob.fromApiResponse(sparse);
    expect(job.started_at).toBeNull();
    expect(job.completed_at).toBeNull();
    expect(IvkJob.isComplete(job)).toBe(false);
  });

  it('reads a reference-shaped record with the reference defaults', () => {
    expect(IvkJob.fromApiResponse({ id: 'job-1' })).toEqual({
      id: 'job-1',
      workflow_id: null,
      status: 'pending',
      progress: 0,
      created_at: null,
      started_at: null,
      completed_at: null,
      error: null,
      outputs: {},
      metadata: {},
    });
    expect(IvkJob.fromApiResponse({ id: 'j', outputs: null, metadata: null, status: null }).outputs).toEqual({});
  });

  it.each([
    ['an unknown wire status', queueItem({ status: 'running' }), 'status'],
    ['a string item_id', queueItem({ item_id: '42' }), 'item_id'],
    ['an unparsable date', { id: 'j', created_at: 'soon' }, 'created_at'],
    ['progress above 1', { id: 'j', progress: 1.5 }, 'progress'],
    ['no id', { status: 'pending' }, 'id'],
  ])('refuses %s, naming the field', (_label, payload, field) => {
    expect(() => IvkJob.fromApiResponse(payload)).toThrow(new RegExp(`IvkJob: ${field}:`));
  });

  it('round-trips through toDict for queue items and reference records', () => {
    for (const job of [
      IvkJob.fromApiResponse(queueItem()),
      IvkJob.fromApiResponse(queueItem({ status: 'failed', error_type: 'E', error_message: 'm' })),
      IvkJob.fromApiResponse({ id: 'x', status: 'running', progress: 0.4 }),
    ]) {
      const dict = IvkJob.toDict(job);
      expect(JSON.parse(JSON.stringify(dict))).toEqual(dict);
      expect(IvkJob.fromApiResponse(dict)).toEqual(job);
    }
  });
});

describe('IvkDnnModel.fromApiResponse', () => {
  it('reads a main model config, keeping the fields the reference lacks in metadata', () => {
    const model = IvkDnnModel.fromApiResponse(sd1MainConfig);
    expect(model).toMatchObject({
      key: sd1MainConfig.key,
      name: 'stable-diffusion-v1-5',
      base: BaseModelEnum.SD1,
      type: 'main',
      hash: sd1MainConfig.hash,
      path: 'sd-1/main/stable-diffusion-v1-5',
      description: 'Stable Diffusion version 1.5 diffusers model',
      format: 'diffusers',
      variant: 'normal',
    });
    expect(model.metadata).toEqual({
      file_size: 2132625432,
      source: 'stable-diffusion-v1-5/stable-diffusion-v1-5',
      source_type: 'hf_repo_id',
      repo_variant: 'fp16',
      prediction_type: 'epsilon',
    });
  });

  it('accepts the server bases the reference does not list, so one never breaks a list', () => {
    for (const base of ['sd-3', 'flux2', 'cogview4', 'any', 'z-image', 'a-base-from-the-future']) {
      expect(IvkDnnModel.fromApiResponse({ ...sd1MainConfig, base }).base).toBe(base);
    }
  });

  it('reads an embedding installed from a file, which has no variant', () => {
    const { variant: _variant, repo_variant: _repo, prediction_type: _prediction, ...rest } = sd1MainConfig;
    const model = IvkDnnModel.fromApiResponse({ ...rest, type: 'embedding', format: 'embedding_file' });
    expect(model.variant).toBeNull();
    expect(model.format).toBe('embedding_file');
  });

  it.each([
    ['no key', { name: 'm', base: 'sd-1', type: 'main' }, 'key'],
    ['a numeric base', { key: 'k', name: 'm', base: 1, type: 'main' }, 'base'],
    ['an empty base', { key: 'k', name: 'm', base: '', type: 'main' }, 'base'],
    ['no type', { key: 'k', name: 'm', base: 'sd-1' }, 'type'],
  ])('refuses %s, naming the field', (_label, payload, field) => {
    expect(() => IvkDnnModel.fromApiResponse(payload)).toThrow(new RegExp(`IvkDnnModel: ${field}:`));
  });

  it('round-trips through toDict', () => {
    const model = IvkDnnModel.fromApiResponse(sd1MainConfig);
    const dict = IvkDnnModel.toDict(model);
    expect(JSON.parse(JSON.stringify(dict))).toEqual(dict);
    expect(IvkDnnModel.fromApiResponse(dict)).toEqual(model);
  });
});
