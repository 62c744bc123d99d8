import type { BoardDTO } from '../../shared/invokeai';
import type { RunContext } from './context';

/**
 * Boards, archived ones included (their images are part of the gallery). Boards that a pending
 * outbox entry mentions keep their local state until the server has caught up.
 */
export async function syncBoards(ctx: RunContext): Promise<{ boards: BoardDTO[]; added: number; removed: number }> {
  ctx.report('boards', 0, 1);
  const boards = await ctx.api.listBoards(true, { signal: ctx.signal });
  const { added, removed } = ctx.cache.replaceBoards(boards, ctx.cache.outbox.referencedStrings());
  ctx.report('boards', 1, 1);
  return { boards, added, removed };
}
