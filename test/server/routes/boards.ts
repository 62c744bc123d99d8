/** `/api/v1/boards/*` and `/api/v1/board_images/*`: boards, and which board an image is on. */
import { HttpError, json, type Router } from '../http';
import { SYSTEM_DISPLAY_NAME } from '../identity';
import type { StandInState } from '../state';
import { BOARD_VISIBILITIES, boardDTO, IMAGE_CATEGORIES } from '../store';

const BOARD_NOT_FOUND = 'Board not found';

export function registerBoardRoutes(router: Router, state: StandInState): void {
  const { gallery } = state;

  const dto = (boardId: string) => {
    const board = gallery.getBoard(boardId);
    if (!board) throw new HttpError(404, BOARD_NOT_FOUND);
    return boardDTO(board, gallery.boardStats().get(boardId));
  };

  router.get('/api/v1/boards/', (ctx) => {
    const q = ctx.queryReader();
    const orderBy = q.enumValue('order_by', ['created_at', 'board_name'] as const, 'created_at');
    const direction = q.enumValue('direction', ['ASC', 'DESC'] as const, 'DESC');
    const all = q.bool('all', null);
    const offset = q.int('offset', null);
    const limit = q.int('limit', null);
    const includeArchived = q.bool('include_archived', false);
    q.done();
    const stats = gallery.boardStats();
    if (all) {
      // With all=true the real SQL sorts names case-insensitively; paged, it does not.
      const boards = gallery.listBoards({ includeArchived, orderBy, direction, caseInsensitive: true });
      return json(boards.map((b) => boardDTO(b, stats.get(b.board_id), SYSTEM_DISPLAY_NAME)));
    }
    if (offset !== null && limit !== null) {
      const boards = gallery.listBoards({ includeArchived, orderBy, direction, caseInsensitive: false });
      const items = boards
        .slice(offset, limit < 0 ? undefined : offset + limit)
        .map((b) => boardDTO(b, stats.get(b.board_id), SYSTEM_DISPLAY_NAME));
      // The real server's long-standing bug: `total` is the size of this page.
      return json({ limit, offset, total: items.length, items });
    }
    throw new HttpError(400, "Invalid request: Must provide either 'all' or both 'offset' and 'limit'");
  });

  router.post('/api/v1/boards/', (ctx) => {
    const q = ctx.queryReader();
    const name = q.str('board_name', { required: true, maxLength: 300 });
    q.done();
    return json(boardDTO(gallery.createBoard(name), undefined), 201);
  });

  router.get('/api/v1/boards/{board_id}', (ctx) => json(dto(ctx.param('board_id'))));

  router.patch('/api/v1/boards/{board_id}', async (ctx) => {
    const body = await ctx.bodyReader({ embedded: false });
    body.extraForbidden(['board_name', 'cover_image_name', 'archived', 'board_visibility']);
    const board_name = body.str('board_name', { maxLength: 300, nullable: true });
    body.str('cover_image_name', { nullable: true }); // accepted, but the cover is always computed
    const archived = body.bool('archived', { nullable: true });
    const board_visibility = body.enumValue('board_visibility', BOARD_VISIBILITIES, { nullable: true });
    body.done();
    const id = ctx.param('board_id');
    if (!gallery.updateBoard(id, { board_name, archived, board_visibility })) throw new HttpError(404, BOARD_NOT_FOUND);
    return json(dto(id), 201);
  });

  router.delete('/api/v1/boards/{board_id}', (ctx) => {
    const q = ctx.queryReader();
    const includeImages = q.bool('include_images', null) ?? false;
    q.done();
    const id = ctx.param('board_id');
    const result = gallery.deleteBoard(id, includeImages);
    if (!result) throw new HttpError(404, BOARD_NOT_FOUND);
    for (const name of result.deleted) state.files.forget(name);
    return json({
      board_id: id,
      deleted_board_images: result.unlinked,
      deleted_images: result.deleted,
      deleted_board_videos: [],
      deleted_videos: [],
      failed_images: [],
      failed_videos: [],
    });
  });

  router.get('/api/v1/boards/{board_id}/image_names', (ctx) => {
    const q = ctx.queryReader();
    const categories = q.enumList('categories', IMAGE_CATEGORIES);
    const isIntermediate = q.bool('is_intermediate', null);
    q.done();
    const id = ctx.param('board_id');
    if (id !== 'none' && !gallery.getBoard(id)) throw new HttpError(404, BOARD_NOT_FOUND);
    return json(gallery.boardImageNames(id, categories, isIntermediate));
  });

  // ---------------------------------------------------------- board_images

  router.post('/api/v1/board_images/', async (ctx) => {
    const body = await ctx.bodyReader();
    const boardId = body.str('board_id', { required: true });
    const imageName = body.str('image_name', { required: true });
    body.done();
    if (!gallery.getBoard(boardId)) throw new HttpError(404, BOARD_NOT_FOUND);
    if (!gallery.getImage(imageName)) throw new HttpError(500, 'Failed to add image to board');
    const { moved, affectedBoards } = gallery.moveImages([imageName], boardId);
    return json({ affected_boards: affectedBoards, added_images: moved, failed_images: [] }, 201);
  });

  router.delete('/api/v1/board_images/', async (ctx) => {
    const body = await ctx.bodyReader();
    const imageName = body.str('image_name', { required: true });
    body.done();
    if (!gallery.getImage(imageName)) throw new HttpError(500, 'Failed to remove image from board');
    const { moved, affectedBoards } = gallery.moveImages([imageName], null);
    return json({ affected_boards: affectedBoards, removed_images: moved, failed_images: [] }, 201);
  });

  router.post('/api/v1/board_images/batch', async (ctx) => {
    const body = await ctx.bodyReader();
    const boardId = body.str('board_id', { required: true });
    const names = body.strList('image_names', { maxItems: 1000, itemMaxLength: 255 });
    body.done();
    if (!gallery.getBoard(boardId)) throw new HttpError(404, BOARD_NOT_FOUND);
    const { moved, affectedBoards } = gallery.moveImages(names, boardId);
    return json({ affected_boards: affectedBoards, added_images: moved, failed_images: [] }, 201);
  });

  router.post('/api/v1/board_images/batch/delete', async (ctx) => {
    const body = await ctx.bodyReader();
    const names = body.strList('image_names', { maxItems: 1000, itemMaxLength: 255 });
    body.done();
    const { moved, affectedBoards } = gallery.moveImages(names, null);
    return json({ affected_boards: affectedBoards, removed_images: moved, failed_images: [] }, 201);
  });
}
