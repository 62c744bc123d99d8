/**
 * Who may read and change what on a multi-user server, as 6.14.2 decides it
 * (`app/api/routers/_access.py`, `boards.py`, `board_images.py`, `images.py`; pinned on both
 * servers by test/contract/multiuser-boards.test.ts). A single-user server acts as the admin
 * `system` for everyone, so every rule below lets it through.
 */
import { HttpError } from './http';
import type { BoardRecord, GalleryStore, ImageRecord } from './store';

/** The user a request acts as. */
export interface Caller {
  user_id: string;
  is_admin: boolean;
}

const BOARD_NOT_FOUND = 'Board not found';

/** Read a board and its images: admin, owner, or a shared or public board. */
export function canReadBoard(caller: Caller, board: BoardRecord): boolean {
  return caller.is_admin || board.user_id === caller.user_id || board.board_visibility !== 'private';
}

/** Put images on a board or take them off (and upload into it): admin, owner, or a public board. */
export function canFillBoard(caller: Caller, board: BoardRecord): boolean {
  return caller.is_admin || board.user_id === caller.user_id || board.board_visibility === 'public';
}

/** An upload's board, checked before the file is looked at: only a public board takes others' uploads. */
export function assertUploadBoard(caller: Caller, gallery: GalleryStore, boardId: string | null): void {
  if (boardId === null) return;
  const board = gallery.getBoard(boardId);
  if (!board) throw new HttpError(404, BOARD_NOT_FOUND);
  if (!canFillBoard(caller, board)) throw new HttpError(403, 'Not authorized to upload to this board');
}

/** Rename, archive, re-share or delete a board: admin or owner only. */
export function canManageBoard(caller: Caller, board: BoardRecord): boolean {
  return caller.is_admin || board.user_id === caller.user_id;
}

/** Read an image: admin, its owner, or it sits on a shared or public board. */
export function canReadImage(caller: Caller, gallery: GalleryStore, image: ImageRecord): boolean {
  if (caller.is_admin || image.user_id === caller.user_id) return true;
  const board = image.board_id === null ? undefined : gallery.getBoard(image.board_id);
  return board !== undefined && board.board_visibility !== 'private';
}

/** Star, update or delete an image: admin, its owner, the owner of its board, or a public board. */
export function canModifyImage(caller: Caller, gallery: GalleryStore, image: ImageRecord): boolean {
  if (caller.is_admin || image.user_id === caller.user_id) return true;
  const board = image.board_id === null ? undefined : gallery.getBoard(image.board_id);
  return board !== undefined && (board.user_id === caller.user_id || board.board_visibility === 'public');
}

/**
 * Move an image between boards: admin or its direct owner. Stricter than `canModifyImage` on
 * purpose (the real server's reason): owning a board must not let one take someone else's image.
 */
export function canMoveImage(caller: Caller, image: ImageRecord | undefined): boolean {
  return caller.is_admin || (image !== undefined && image.user_id === caller.user_id);
}

/** The board a read names, or the 404/403 a reader gets. An admin reads any board. */
export function readableBoard(caller: Caller, gallery: GalleryStore, boardId: string): BoardRecord {
  const board = gallery.getBoard(boardId);
  if (!board) throw new HttpError(404, BOARD_NOT_FOUND);
  if (!canReadBoard(caller, board)) throw new HttpError(403, 'Not authorized to access this board');
  return board;
}

/** The board images are put on or taken off, or its 404/403. */
export function fillableBoard(caller: Caller, gallery: GalleryStore, boardId: string): BoardRecord {
  const board = gallery.getBoard(boardId);
  if (!board) throw new HttpError(404, BOARD_NOT_FOUND);
  if (!canFillBoard(caller, board)) throw new HttpError(403, 'Not authorized to modify this board');
  return board;
}

/**
 * The image a read names. A refused reader learns whether it exists (404 "Image not found") or is
 * someone else's (403); an admin's miss is the route's own 404.
 */
export function readableImage(caller: Caller, gallery: GalleryStore, name: string, adminMiss: () => HttpError): ImageRecord {
  const image = gallery.getImage(name);
  if (caller.is_admin) {
    if (!image) throw adminMiss();
    return image;
  }
  if (!image) throw new HttpError(404, 'Image not found');
  if (!canReadImage(caller, gallery, image)) throw new HttpError(403, 'Not authorized to access this image');
  return image;
}

/** Refuses a change of an image the caller may not modify (a missing one too, for a non-admin). */
export function assertImageModifiable(caller: Caller, gallery: GalleryStore, name: string): void {
  if (caller.is_admin) return;
  const image = gallery.getImage(name);
  if (!image || !canModifyImage(caller, gallery, image)) throw new HttpError(403, 'Not authorized to modify this image');
}

/**
 * Whose images a list holds: with no board or Uncategorized, a non-admin sees only their own
 * (null = no filter); a named board lists everything on it, whoever owns it.
 */
export function listOwner(caller: Caller, boardId: string | null | undefined): string | null {
  if (caller.is_admin) return null;
  return boardId === undefined || boardId === null || boardId === 'none' ? caller.user_id : null;
}
