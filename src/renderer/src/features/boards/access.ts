import type { Board } from '../../../../shared/ipc';
import type { MenuItem } from '../../ui/Menu';

/**
 * What the board list says the signed-in user may do (main derives it: src/main/account/access.ts),
 * turned into the questions the UI asks before offering an action. Main refuses the same actions
 * anyway; these only keep a control that would fail from looking usable.
 */
export interface Lock {
  /** The full sentence: tooltips and accessible descriptions. */
  reason: string;
  /** A few visible words beside a disabled control. */
  hint: string;
}

const find = (boards: readonly Board[], scope: string | null | undefined): Board | undefined =>
  scope ? boards.find((board) => board.board_id === scope) : undefined;

/** Why the board itself may not be renamed, archived or deleted; null when it may. */
export function boardLock(board: Board): Lock | null {
  return board.access === 'full' || !board.access_reason ? null : { reason: board.access_reason, hint: 'Owner or admin only' };
}

/** Why images may not be put on, taken off, starred or deleted on this board; null when they may. */
export function imagesLock(boards: readonly Board[], scope: string | null | undefined): Lock | null {
  const board = find(boards, scope);
  return board?.access === 'read_only' && board.access_reason ? { reason: board.access_reason, hint: 'Read-only board' } : null;
}

/**
 * The lock of a keyboard shortcut's target: the focused image's board, or (for a selection) the
 * board the view shows. A shortcut that meets one says its reason instead of sending a request
 * the server would refuse.
 */
export function shortcutLock(boards: readonly Board[], imageBoard: string | null | undefined, viewBoard?: string | null): Lock | null {
  return imagesLock(boards, imageBoard) ?? imagesLock(boards, viewBoard);
}

/** A menu item disabled by a lock (with its reason and hint), or else for a reason of its own. */
export function lockedItem(lock: Lock | null, disabledAnyway = false): Pick<MenuItem, 'disabled' | 'reason' | 'hint'> {
  return lock ? { disabled: true, reason: lock.reason, hint: lock.hint } : { disabled: disabledAnyway };
}
