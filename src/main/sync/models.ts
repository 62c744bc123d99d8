import { IvkDnnModel } from '../../shared/models';
import type { RunContext } from './context';

/** The installed models, replaced as a whole; a config the app cannot read is left out. */
export async function syncModels(ctx: RunContext): Promise<number> {
  ctx.report('models', 0, 1);
  const configs: readonly unknown[] = await ctx.api.models({ signal: ctx.signal });
  const models = configs.flatMap((config) => {
    try {
      return [IvkDnnModel.fromApiResponse(config)];
    } catch {
      return [];
    }
  });
  ctx.cache.replaceModels(models);
  ctx.report('models', 1, 1);
  return models.length;
}
