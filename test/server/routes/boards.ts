/**
 * `/api/v1/boards/*` and `/api/v1/board_images/*`: boards, and which board an image is on. On a
 * multi-user server each route checks the caller as 6.14.2 does (`../access.ts`).
 */
import { canFillBoard, canManageBoard, canMoveImage, canReadBoard, fillableBoard, readableBoard, type Caller } from '../access';
import type { Accounts } from '../auth';
import { HttpError, json, type Router } from '../http';
import { SYSTEM_DISPLAY_NAME, SYSTEM_USER_ID } from '../identity';
import type { StandInState } from '../state';
import { BOARD_VISIBILITIES, boardDTO, IMAGE_CATEGORIES } from '../store';

const BOARD_NOT_FOUND = 'Board not found';

export function registerBoardRoutes(router: Router, state: StandInState, accounts: Accounts | null = null): void {
  const { gallery } = state;

  /** `owner_username` of a list: the owner's display name or e-mail, for admins only. */
  const ownerName = (caller: Caller, userId: string): string | null => {
    if (!caller.is_admin) return null;
    if (userId === SYSTEM_USER_ID) return SYSTEM_DISPLAY_NAME;
    const owner = accounts?.get(userId);
    return owner ? (owner.display_name ?? owner.email) : null;
  };
  /** The board a change names, or its 404, or the 403 of a caller who neither owns it nor is admin. */
  const managedBoard = (caller: Caller, boardId: string, refusal: string) => {
    const board = gallery.getBoard(boardId);
    if (!board) throw new HttpError(404, BOARD_NOT_FOUND);
    if (!canManageBoard(caller, board)) throw new HttpError(403, refusal);
    return board;
  };

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
    const { caller } = ctx;
    // A non-admin lists their own boards and the shared and public ones, never another's private board.
    const visible = (caseInsensitive: boolean) =>
      gallery.listBoards({ includeArchived, orderBy, direction, caseInsensitive }).filter((b) => canReadBoard(caller, b));
    if (all) {
      // With all=true the real SQL sorts names case-insensitively; paged, it does not.
      return json(visible(true).map((b) => boardDTO(b, stats.get(b.board_id), ownerName(caller, b.user_id))));
    }
    if (offset !== null && limit !== null) {
      const items = visible(false)
        .slice(offset, limit < 0 ? undefined : offset + limit)
        .map((b) => boardDTO(b, stats.get(b.board_id), ownerName(caller, b.user_id)));
      // The real server's long-standing bug: `total` is the size of this page.
      return json({ limit, offset, total: items.length, items });
    }
    throw new HttpError(400, "Invalid request: Must provide either 'all' or both 'offset' and 'limit'");
  });

  router.post('/api/v1/boards/', (ctx) => {
    const q = ctx.queryReader();
    const name = q.str('board_name', { required: true, maxLength: 300 });
    q.done();
    return json(boardDTO(gallery.createBoard(name, ctx.caller.user_id), undefined), 201);
  });

  router.get('/api/v1/boards/{board_id}', (ctx) => {
    readableBoard(ctx.caller, gallery, ctx.param('board_id'));
    return json(dto(ctx.param('board_id')));
  });

  router.patch('/api/v1/boards/{board_id}', async (ctx) => {
    const body = await ctx.bodyReader({ embedded: false });
    body.extraForbidden(['board_name', 'cover_image_name', 'archived', 'board_visibility']);
    const board_name = body.str('board_name', { maxLength: 300, nullable: true });
    body.str('cover_image_name', { nullable: true }); // accepted, but the cover is always computed
    const archived = body.bool('archived', { nullable: true });
    const board_visibility = body.enumValue('board_visibility', BOARD_VISIBILITIES, { nullable: true });
    body.done();
    const id = ctx.param('board_id');
    managedBoard(ctx.caller, id, 'Not authorized to update this board');
    if (!gallery.updateBoard(id, { board_name, archived, board_visibility })) throw new HttpError(404, BOARD_NOT_FOUND);
    return json(dto(id), 201);
  });

  router.delete('/api/v1/boards/{board_id}', (ctx) => {
    const q = ctx.queryReader();
    const includeImages = q.bool('include_images', null) ?? false;
    q.done();
    const id = ctx.param('board_id');
    managedBoard(ctx.caller, id, 'Not authorized to delete this board');
    // A non-admin owner deletes only their own images; others' contributions fall to Uncategorized.
    const result = gallery.deleteBoard(id, includeImages, ctx.caller.is_admin ? null : ctx.caller.user_id);
    if (!result) throw new HttpError(404, BOARD_NOT_FOUND);
    for (const name of result.deleted) state.files.forget(name);
    for (const name of result.deletedVideos) state.videoFiles.forget(name);
    return json({
      board_id: id,
      deleted_board_images: result.unlinked,
      deleted_images: result.deleted,
      deleted_board_videos: result.unlinkedVideos,
      deleted_videos: result.deletedVideos,
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
    if (id !== 'none') readableBoard(ctx.caller, gallery, id);
    // A non-admin's Uncategorized holds only their own images.
    const owner = id === 'none' && !ctx.caller.is_admin ? ctx.caller.user_id : null;
    return json(gallery.boardImageNames(id, categories, isIntermediate, owner));
  });

  // ---------------------------------------------------------- board_images

  router.post('/api/v1/board_images/', async (ctx) => {
    const body = await ctx.bodyReader();
    const boardId = body.str('board_id', { required: true });
    const imageName = body.str('image_name', { required: true });
    body.done();
    fillableBoard(ctx.caller, gallery, boardId);
    if (!canMoveImage(ctx.caller, gallery.getImage(imageName))) throw new HttpError(403, 'Not authorized to move this image');
    if (!gallery.getImage(imageName)) throw new HttpError(500, 'Failed to add image to board');
    const { moved, affectedBoards } = gallery.moveImages([imageName], boardId);
    return json({ affected_boards: affectedBoards, added_images: moved, failed_images: [] }, 201);
  });

  router.delete('/api/v1/board_images/', async (ctx) => {
    const body = await ctx.bodyReader();
    const imageName = body.str('image_name', { required: true });
    body.done();
    const image = gallery.getImage(imageName);
    if (!image) throw new HttpError(500, 'Failed to remove image from board');
    // Taking an image off a board needs the right to change that board, not to own the image.
    if (image.board_id !== null) fillableBoard(ctx.caller, gallery, image.board_id);
    const { moved, affectedBoards } = gallery.moveImages([imageName], null);
    return json({ affected_boards: affectedBoards, removed_images: moved, failed_images: [] }, 201);
  });

  router.post('/api/v1/board_images/batch', async (ctx) => {
    const body = await ctx.bodyReader();
    const boardId = body.str('board_id', { required: true });
    const names = body.strList('image_names', { maxItems: 1000, itemMaxLength: 255 });
    body.done();
    fillableBoard(ctx.caller, gallery, boardId);
    // Images the caller does not own are skipped, not reported as failed.
    const own = names.filter((name) => canMoveImage(ctx.caller, gallery.getImage(name)));
    const { moved, affectedBoards } = gallery.moveImages(own, boardId);
    return json({ affected_boards: affectedBoards, added_images: moved, failed_images: [] }, 201);
  });

  router.post('/api/v1/board_images/batch/delete', async (ctx) => {
    const body = await ctx.bodyReader();
    const names = body.strList('image_names', { maxItems: 1000, itemMaxLength: 255 });
    body.done();
    // Images on boards the caller may not change are skipped, not reported as failed.
    const allowed = names.filter((name) => {
      const board = gallery.getImage(name)?.board_id;
      const record = board ? gallery.getBoard(board) : undefined;
      return !record || canFillBoard(ctx.caller, record);
    });
    const { moved, affectedBoards } = gallery.moveImages(allowed, null);
    return json({ affected_boards: affectedBoards, removed_images: moved, failed_images: [] }, 201);
  });
}
