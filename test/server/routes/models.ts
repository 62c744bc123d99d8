/** `/api/v2/models/`: the model list, with the real filters and ordering. */
import { HttpError, json, type Router } from '../http';
import type { StandInState } from '../state';

export const BASE_MODEL_TYPES = [
  'any',
  'sd-1',
  'sd-2',
  'sd-3',
  'sdxl',
  'sdxl-refiner',
  'flux',
  'flux2',
  'cogview4',
  'z-image',
  'ernie-image',
  'ideogram-4',
  'external',
  'qwen-image',
  'anima',
  'krea-2',
  'wan',
  'unknown',
] as const;

export const MODEL_TYPES = [
  'onnx',
  'main',
  'vae',
  'lora',
  'control_lora',
  'controlnet',
  'embedding',
  'ip_adapter',
  'clip_vision',
  'clip_embed',
  't2i_adapter',
  't5_encoder',
  'qwen3_encoder',
  'qwen_vl_encoder',
  'qwen3_vl_encoder',
  'mistral_encoder',
  'wan_t5_encoder',
  'gemma2_encoder',
  'spandrel_image_to_image',
  'siglip',
  'flux_redux',
  'llava_onevision',
  'prompt_enhancer',
  'text_llm',
  'external_image_generator',
  'pid_decoder',
  'unknown',
] as const;

export const MODEL_FORMATS = [
  'omi',
  'diffusers',
  'checkpoint',
  'lycoris',
  'onnx',
  'olive',
  'embedding_file',
  'embedding_folder',
  'invokeai',
  't5_encoder',
  'qwen3_encoder',
  'qwen_vl_encoder',
  'qwen3_vl_encoder',
  'mistral_encoder',
  'wan_t5_encoder',
  'gemma2_encoder',
  'bnb_quantized_int8b',
  'bnb_quantized_nf4b',
  'gguf_quantized',
  'external_api',
  'sdnq_quantized',
  'unknown',
] as const;

const ORDER_BY = ['default', 'type', 'base', 'name', 'format', 'size', 'created_at', 'updated_at', 'path'] as const;

export function registerModelRoutes(router: Router, state: StandInState): void {
  router.get('/api/v2/models/', (ctx) => {
    const q = ctx.queryReader();
    const bases = q.enumList('base_models', BASE_MODEL_TYPES);
    const type = q.enumValue('model_type', MODEL_TYPES, null);
    const name = q.str('model_name');
    const format = q.enumValue('model_format', MODEL_FORMATS, null);
    const orderBy = q.enumValue('order_by', ORDER_BY, 'name');
    const direction = q.enumValue('direction', ['ASC', 'DESC'] as const, 'ASC');
    q.done();
    const key = (m: (typeof state.models)[number]): string | number => {
      switch (orderBy) {
        case 'type':
          return m.type;
        case 'base':
          return m.base;
        case 'format':
          return m.format;
        case 'size':
          return m.file_size;
        case 'path':
          return m.path;
        case 'name':
          return m.name.toLowerCase();
        default:
          return `${m.type}/${m.base}/${m.name.toLowerCase()}`;
      }
    };
    const sign = direction === 'ASC' ? 1 : -1;
    const query = (base: string | null) =>
      state.models
        .filter(
          (m) =>
            (base === null || m.base === base) &&
            (!type || m.type === type) &&
            (name === null || m.name === name) &&
            (!format || m.format === format),
        )
        .sort((a, b) => (key(a) < key(b) ? -sign : key(a) > key(b) ? sign : 0));
    // The real server runs one query per asked base and concatenates: results group by base.
    const models = bases && bases.length > 0 ? bases.flatMap((base) => query(base)) : query(null);
    return json({ models });
  });

  router.get('/api/v2/models/i/{key}', (ctx) => {
    const model = state.models.find((m) => m.key === ctx.param('key'));
    if (!model) throw new HttpError(404, 'model not found');
    return json(model);
  });
}
