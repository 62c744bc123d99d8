/**
 * What the signed-in user may do to a board and its images on a multi-user InvokeAI (6.12+), as
 * the real 6.14.2 decides it (NOTES.md §7; pinned on both servers by
 * test/contract/multiuser-boards.test.ts). The one place main derives a board's access from its
 * owner and visibility; the board list (cache/boards.ts) and the gate before every action
 * (`refusalOf`) both ask it, so the UI's lock and the refusal can never disagree.
 *
 * - Admins, and everyone on a single-user server (which acts as the admin `system`), may do all.
 * - A board's owner may do all to it.
 * - Another user's **public** board: images may be put on it, taken off it, starred and deleted,
 *   but only its owner or an admin may rename, archive, re-share or delete it.
 * - Another user's **shared** board: read only.
 * - Another user's private board never reaches a non-admin (the server does not list it).
 *
 * An image's rights are taken from its board: ImageDTO says nothing of its owner, and what a
 * non-admin sees outside another user's boards (their Uncategorized, their "all images") is their
 * own. The server remains the judge; a refusal it still gives is shown by the actions (403).
 */
import type { BoardAccess } from '../../shared/ipc';

/** Who the app acts as; null when every action is allowed (single-user, or nobody signed in yet). */
export interface Viewer {
  user_id: string;
  is_admin: boolean;
}

/** What access needs to know of a board: its owner (null for a board made here) and visibility. */
export interface BoardOwnership {
  board_name: string;
  user_id: string | null;
  board_visibility: string | null;
}

export interface Access {
  access: BoardAccess;
  /** Why the access is limited, as the UI shows it (lock tooltip, disabled actions); null for full. */
  access_reason: string | null;
}

const FULL: Access = { access: 'full', access_reason: null };

/** The user a token's claims name (`user_id`, `is_admin`), read without checking the signature. */
export function viewerOfToken(token: string | null): Viewer | null {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null) return null;
    const { user_id: userId, is_admin: isAdmin } = claims as { user_id?: unknown; is_admin?: unknown };
    return typeof userId === 'string' && userId !== '' ? { user_id: userId, is_admin: isAdmin === true } : null;
  } catch {
    return null;
  }
}

export function boardAccess(board: BoardOwnership, viewer: Viewer | null): Access {
  if (viewer === null || viewer.is_admin) return FULL;
  // A board made here and not yet listed by the server is the viewer's own.
  if (board.user_id === null || board.user_id === viewer.user_id) return FULL;
  if (board.board_visibility === 'public') {
    return {
      access: 'contribute',
      access_reason: `“${board.board_name}” is another user's public board: you can add, star and delete images on it, but only its owner or an admin can rename, archive or delete it.`,
    };
  }
  return {
    access: 'read_only',
    access_reason: `“${board.board_name}” is shared with you read-only by another user: only its owner or an admin can add, remove, star or delete its images, or change the board.`,
  };
}

/** What a gate needs: a board's access, and the boards a set of images sits on. */
export interface AccessLookup {
  board: (boardId: string) => Access | null;
  /** The distinct boards (null = Uncategorized) of these cached images. */
  boardsOf: (imageNames: readonly string[]) => (string | null)[];
}

/** An action as the gate sees it (the outbox's actions, and uploads into a board). */
export type GuardedAction =
  | { kind: 'star' | 'delete'; image_names: readonly string[] }
  | { kind: 'move'; image_names: readonly string[]; board: string | null }
  | { kind: 'board.rename' | 'board.archive' | 'board.delete'; board_id: string }
  | { kind: 'upload'; board: string | null };

/**
 * Why the viewer may not do this, as a sentence for the user, or null when the server would allow
 * it. Checked before anything is applied or sent, so a refused action changes nothing.
 */
export function refusalOf(action: GuardedAction, lookup: AccessLookup): string | null {
  const limited = (boardId: string | null, needs: 'contribute' | 'full'): string | null => {
    if (boardId === null) return null;
    const access = lookup.board(boardId);
    if (access === null || access.access === 'full') return null;
    if (needs === 'contribute' && access.access === 'contribute') return null;
    return access.access_reason;
  };
  const fromBoards = (names: readonly string[]): string | null => {
    for (const boardId of lookup.boardsOf(names)) {
      const reason = limited(boardId, 'contribute');
      if (reason) return reason;
    }
    return null;
  };
  switch (action.kind) {
    case 'star':
    case 'delete':
      return fromBoards(action.image_names);
    case 'move':
      // Taking images off a board and putting them on one both need the right to change its images.
      return limited(action.board, 'contribute') ?? fromBoards(action.image_names);
    case 'board.rename':
    case 'board.archive':
    case 'board.delete':
      return limited(action.board_id, 'full');
    case 'upload':
      return limited(action.board, 'contribute');
  }
}
