/**
 * Word lists the generator combines into prompts. They are varied enough that a search for a
 * subject ("lighthouse"), a style ("watercolor") or a place ("harbor") matches a realistic share of
 * the gallery, and rare words ("axolotl") match only a few images.
 */

export const SUBJECTS = [
  'lighthouse', 'fox', 'astronaut', 'samurai', 'dragon', 'owl', 'robot', 'castle', 'sailboat', 'wolf',
  'cat', 'tiger', 'knight', 'witch', 'wizard', 'mermaid', 'phoenix', 'hummingbird', 'whale', 'octopus',
  'city skyline', 'mountain cabin', 'tea house', 'train station', 'greenhouse', 'library', 'bridge',
  'windmill', 'cathedral', 'market stall', 'bicycle', 'vintage car', 'airship', 'submarine', 'treehouse',
  'portrait of an old fisherman', 'portrait of a young dancer', 'portrait of a blacksmith', 'jellyfish',
  'bonsai tree', 'cherry blossom tree', 'sunflower field', 'koi pond', 'waterfall', 'glacier', 'volcano',
  'desert caravan', 'space station', 'alien jungle', 'floating island', 'clockwork heart', 'axolotl',
  'red panda', 'snow leopard', 'hot air balloon', 'lantern festival', 'ramen shop', 'bookshop', 'violin',
] as const;

export const ADJECTIVES = [
  'ancient', 'futuristic', 'cozy', 'abandoned', 'majestic', 'tiny', 'colossal', 'whimsical', 'melancholic',
  'serene', 'chaotic', 'overgrown', 'crystalline', 'rusty', 'golden', 'misty', 'neon-lit', 'moonlit',
  'weathered', 'ornate', 'minimalist', 'surreal', 'gloomy', 'vibrant', 'frozen', 'burning', 'hidden',
] as const;

export const SETTINGS = [
  'on a rocky coast', 'in a snowy forest', 'at the edge of a cliff', 'in a bustling harbor',
  'under a starry sky', 'in a rainy alley', 'on a quiet lake', 'in a sunlit meadow', 'inside a cave',
  'among the clouds', 'in the desert at dusk', 'in an overgrown ruin', 'on a busy street in Tokyo',
  'in a Parisian cafe', 'on the surface of Mars', 'deep underwater', 'in a bamboo forest',
  'beside a frozen river', 'in a candlelit hall', 'on a mountain pass', 'in a flower garden',
] as const;

export const STYLES = [
  'oil painting', 'watercolor', 'digital art', 'concept art', 'photograph', 'studio photo',
  'ink illustration', 'pixel art', 'low poly 3d render', 'isometric illustration', 'art nouveau poster',
  'ukiyo-e woodblock print', 'charcoal sketch', 'cinematic still', 'claymation', 'stained glass',
  'gouache painting', 'vaporwave', 'cyberpunk', 'film noir', 'matte painting', 'children\'s book illustration',
] as const;

export const LIGHTING = [
  'golden hour', 'soft volumetric light', 'dramatic rim lighting', 'overcast', 'blue hour',
  'harsh midday sun', 'candlelight', 'bioluminescent glow', 'backlit', 'foggy morning light',
  'neon reflections', 'moonlight', 'studio softbox lighting',
] as const;

export const QUALITY = [
  'highly detailed', 'intricate', 'sharp focus', '8k', 'masterpiece', 'award winning', 'trending',
  'depth of field', 'bokeh', 'wide angle', 'close-up', 'symmetrical composition', 'film grain',
] as const;

export const NEGATIVE = [
  'blurry', 'low quality', 'jpeg artifacts', 'watermark', 'text', 'signature', 'deformed hands',
  'extra fingers', 'oversaturated', 'lowres', 'cropped', 'worst quality', 'duplicate', 'bad anatomy',
] as const;

export const SCHEDULERS = [
  'euler', 'euler_a', 'dpmpp_2m', 'dpmpp_2m_k', 'dpmpp_2m_sde_k', 'dpmpp_sde_k', 'ddim', 'unipc', 'lcm', 'heun',
] as const;

export const BOARD_NAMES = [
  'Landscapes', 'Portraits', 'Concept Art', 'Character Sheets', 'Client: Harbor Books', 'Textures',
  'Experiments', 'Favorites 2026', 'Architecture', 'Creatures', 'Posters', 'Old Tests (archived)',
  'Sci-Fi', 'Product Shots', 'Storyboard Act 1', 'Storyboard Act 2', 'Moodboard', 'Inpainting Work',
] as const;

/** Origins the web UI sets on batches, and the destinations that go with them. */
export const QUEUE_ORIGINS = [
  ['generation', 'gallery'],
  ['canvas', 'canvas'],
  ['workflows', 'gallery'],
  ['upscaling', 'gallery'],
] as const;

/** Failures that real generation jobs end with, as (error_type, error_message). */
export const FAILURES = [
  ['OutOfMemoryError', 'CUDA out of memory. Tried to allocate 2.25 GiB. GPU 0 has a total capacity of 11.99 GiB of which 1.02 GiB is free.'],
  ['UnknownModelException', 'Unknown model: 6f1f9f1e-0000-4000-8000-00000000dead'],
  ['ImageRecordNotFoundException', 'Image record not found'],
  ['RuntimeError', 'Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!'],
  ['ValueError', 'Invalid scheduler for this model: lcm'],
] as const;
