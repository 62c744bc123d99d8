/**
 * Model configs as `GET /api/v2/models/` returns them. Each one is valid against one branch of the
 * schema's AnyModelConfig union. They include bases the app's seed enum does not know (`sd-3`,
 * `flux2`) so the app's "accept unknown enums" path is exercised.
 */
import { Rng } from './random';

/** The fields every config carries, plus the class-specific ones (kept open). */
export interface ModelConfig {
  key: string;
  hash: string;
  path: string;
  file_size: number;
  name: string;
  description: string | null;
  source: string;
  source_type: 'path' | 'url' | 'hf_repo_id' | 'external';
  source_api_response: string | null;
  source_url: string | null;
  cover_image: string | null;
  type: string;
  format: string;
  base: string;
  [field: string]: unknown;
}

/** The `{key, hash, name, base, type}` reference that image metadata and graphs carry. */
export interface ModelRef {
  key: string;
  hash: string;
  name: string;
  base: string;
  type: string;
}

interface ModelSpec {
  name: string;
  type: string;
  format: string;
  base: string;
  description: string | null;
  source: string;
  source_type: ModelConfig['source_type'];
  file_size: number;
  extra: Record<string, unknown>;
}

const mainDefaults = (scheduler: string, steps: number, cfg: number, size: number) => ({
  vae: null,
  vae_precision: null,
  scheduler,
  steps,
  cfg_scale: cfg,
  cfg_rescale_multiplier: null,
  width: size,
  height: size,
  guidance: null,
  cpu_only: null,
  fp8_storage: null,
});

const SPECS: ModelSpec[] = [
  {
    name: 'Stable Diffusion v1.5',
    type: 'main',
    format: 'diffusers',
    base: 'sd-1',
    description: 'The classic 512px text-to-image model',
    source: 'stable-diffusion-v1-5/stable-diffusion-v1-5',
    source_type: 'hf_repo_id',
    file_size: 2_132_625_894,
    extra: {
      trigger_phrases: null,
      default_settings: mainDefaults('dpmpp_2m_k', 30, 7.5, 512),
      repo_variant: 'fp16',
      prediction_type: 'epsilon',
      variant: 'normal',
    },
  },
  {
    name: 'DreamShaper 8',
    type: 'main',
    format: 'checkpoint',
    base: 'sd-1',
    description: null,
    source: '/models/sd-1/main/dreamshaper_8.safetensors',
    source_type: 'path',
    file_size: 2_132_626_066,
    extra: {
      trigger_phrases: null,
      default_settings: null,
      config_path: 'stable-diffusion/v1-inference.yaml',
      prediction_type: 'epsilon',
      variant: 'normal',
    },
  },
  {
    name: 'SDXL Base 1.0',
    type: 'main',
    format: 'diffusers',
    base: 'sdxl',
    description: 'Stable Diffusion XL base model',
    source: 'stabilityai/stable-diffusion-xl-base-1.0',
    source_type: 'hf_repo_id',
    file_size: 6_938_078_334,
    extra: {
      trigger_phrases: null,
      default_settings: mainDefaults('euler_a', 30, 6, 1024),
      repo_variant: 'fp16',
      prediction_type: 'epsilon',
      variant: 'normal',
    },
  },
  {
    name: 'Juggernaut XL v9',
    type: 'main',
    format: 'checkpoint',
    base: 'sdxl',
    description: 'Photographic SDXL fine-tune',
    source: 'https://example.invalid/juggernautXL_v9.safetensors',
    source_type: 'url',
    file_size: 7_105_350_536,
    extra: {
      trigger_phrases: ['photo'],
      default_settings: null,
      config_path: 'stable-diffusion/sd_xl_base.yaml',
      prediction_type: 'epsilon',
      variant: 'normal',
    },
  },
  {
    name: 'FLUX Schnell (quantized)',
    type: 'main',
    format: 'checkpoint',
    base: 'flux',
    description: 'FLUX.1 schnell, 4-step',
    source: '/models/flux/main/flux1-schnell.safetensors',
    source_type: 'path',
    file_size: 11_901_525_888,
    extra: { trigger_phrases: null, default_settings: null, config_path: null, variant: 'schnell' },
  },
  {
    name: 'FLUX.1 dev',
    type: 'main',
    format: 'diffusers',
    base: 'flux',
    description: null,
    source: 'black-forest-labs/FLUX.1-dev',
    source_type: 'hf_repo_id',
    file_size: 33_721_704_862,
    extra: { trigger_phrases: null, default_settings: null, repo_variant: '', variant: 'dev' },
  },
  {
    name: 'FLUX.2 klein 4B',
    type: 'main',
    format: 'diffusers',
    base: 'flux2',
    description: 'FLUX.2 distilled, small',
    source: 'black-forest-labs/FLUX.2-klein-4B',
    source_type: 'hf_repo_id',
    file_size: 15_980_000_000,
    extra: { trigger_phrases: null, default_settings: null, repo_variant: '', variant: 'klein_4b' },
  },
  {
    name: 'SD3.5 Medium',
    type: 'main',
    format: 'diffusers',
    base: 'sd-3',
    description: null,
    source: 'stabilityai/stable-diffusion-3.5-medium',
    source_type: 'hf_repo_id',
    file_size: 16_520_000_000,
    extra: {
      trigger_phrases: null,
      default_settings: null,
      repo_variant: '',
      submodels: {
        transformer: { path_or_prefix: 'transformer', model_type: 'main', variant: null },
        vae: { path_or_prefix: 'vae', model_type: 'vae', variant: null },
      },
    },
  },
  {
    name: 'Detail Tweaker',
    type: 'lora',
    format: 'lycoris',
    base: 'sd-1',
    description: 'Adds or removes fine detail',
    source: '/models/sd-1/lora/add_detail.safetensors',
    source_type: 'path',
    file_size: 37_861_176,
    extra: { trigger_phrases: null, default_settings: { weight: 0.6, weight_min: -2, weight_max: 2 } },
  },
  {
    name: 'Pixel Art XL',
    type: 'lora',
    format: 'lycoris',
    base: 'sdxl',
    description: null,
    source: 'nerijs/pixel-art-xl',
    source_type: 'hf_repo_id',
    file_size: 170_543_052,
    extra: { trigger_phrases: ['pixel art'], default_settings: null },
  },
  {
    name: 'sd-vae-ft-mse',
    type: 'vae',
    format: 'checkpoint',
    base: 'sd-1',
    description: null,
    source: '/models/sd-1/vae/vae-ft-mse-840000-ema-pruned.safetensors',
    source_type: 'path',
    file_size: 334_643_268,
    extra: { config_path: null, cpu_only: null },
  },
  {
    name: 'EasyNegative',
    type: 'embedding',
    format: 'embedding_file',
    base: 'sd-1',
    description: null,
    source: '/models/sd-1/embedding/easynegative.safetensors',
    source_type: 'path',
    file_size: 24_655,
    extra: {},
  },
];

/**
 * The model list. Keys and hashes come from a fixed stream so they are stable across runs and
 * independent of the gallery seed (a model library does not change with the gallery).
 */
export function generateModels(): ModelConfig[] {
  const rng = Rng.stream(20260819, 'models');
  return SPECS.map((spec) => {
    const key = rng.uuid();
    const hash = `blake3:${rng.uuid().replaceAll('-', '')}${rng.uuid().replaceAll('-', '')}`;
    const fileName = spec.name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
    return {
      key,
      hash,
      path: `${spec.base}/${spec.type}/${fileName}${spec.format === 'diffusers' ? '' : '.safetensors'}`,
      file_size: spec.file_size,
      name: spec.name,
      description: spec.description,
      source: spec.source,
      source_type: spec.source_type,
      source_api_response: null,
      source_url: null,
      cover_image: null,
      type: spec.type,
      format: spec.format,
      base: spec.base,
      ...spec.extra,
    };
  });
}

export function modelRef(config: ModelConfig): ModelRef {
  return { key: config.key, hash: config.hash, name: config.name, base: config.base, type: config.type };
}
