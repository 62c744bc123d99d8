import { describe, expect, it } from 'vitest';
import { boardAccess, refusalOf, viewerOfToken, type Access, type AccessLookup } from '../../src/main/account/access';

const MEMBER = { user_id: 'max', is_admin: false };
const ADMIN = { user_id: 'ada', is_admin: true };
const board = (user_id: string | null, board_visibility: string) => ({ board_name: 'Refs', user_id, board_visibility });

const token = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

describe('board access', () => {
  it('gives everything to admins, owners, boards made here and single-user servers', () => {
    expect(boardAccess(board('ada', 'private'), ADMIN).access).toBe('full');
    expect(boardAccess(board('max', 'private'), MEMBER).access).toBe('full');
    expect(boardAccess(board(null, 'private'), MEMBER).access).toBe('full');
    expect(boardAccess(board('ada', 'shared'), null)).toEqual({ access: 'full', access_reason: null });
  });

  it("makes another user's shared board read-only and public board open to images only, each with its reason", () => {
    const shared = boardAccess(board('ada', 'shared'), MEMBER);
    expect(shared.access).toBe('read_only');
    expect(shared.access_reason).toMatch(/^“Refs” is shared with you read-only/);
    const pub = boardAccess(board('ada', 'public'), MEMBER);
    expect(pub.access).toBe('contribute');
    expect(pub.access_reason).toMatch(/^“Refs” is another user's public board/);
  });

  it('reads the user and admin flag from a token, and nothing from a token that is not one', () => {
    expect(viewerOfToken(token({ user_id: 'max', is_admin: false }))).toEqual(MEMBER);
    expect(viewerOfToken(token({ user_id: 'ada', is_admin: true }))).toEqual(ADMIN);
    expect(viewerOfToken(token({ is_admin: true }))).toBeNull();
    expect(viewerOfToken('not-a-jwt')).toBeNull();
    expect(viewerOfToken(null)).toBeNull();
  });
});

describe('the gate before an action', () => {
  const access: Record<string, Access> = {
    shared: boardAccess({ board_name: 'Shared', user_id: 'ada', board_visibility: 'shared' }, MEMBER),
    public: boardAccess({ board_name: 'Public', user_id: 'ada', board_visibility: 'public' }, MEMBER),
    own: boardAccess({ board_name: 'Own', user_id: 'max', board_visibility: 'private' }, MEMBER),
  };
  const onBoard: Record<string, string | null> = { s1: 'shared', p1: 'public', o1: 'own', u1: null };
  const lookup: AccessLookup = {
    board: (id) => access[id] ?? null,
    boardsOf: (names) => [...new Set(names.map((name) => onBoard[name] ?? null))],
  };

  it('refuses changes to images on a read-only board, and allows them elsewhere', () => {
    expect(refusalOf({ kind: 'star', image_names: ['o1', 's1'] }, lookup)).toMatch(/“Shared” is shared with you read-only/);
    expect(refusalOf({ kind: 'delete', image_names: ['s1'] }, lookup)).not.toBeNull();
    expect(refusalOf({ kind: 'star', image_names: ['o1', 'p1', 'u1'] }, lookup)).toBeNull();
  });

  it('refuses moves onto or off a read-only board, and allows a public one', () => {
    expect(refusalOf({ kind: 'move', image_names: ['u1'], board: 'shared' }, lookup)).not.toBeNull();
    expect(refusalOf({ kind: 'move', image_names: ['s1'], board: null }, lookup)).not.toBeNull();
    expect(refusalOf({ kind: 'move', image_names: ['u1', 'o1'], board: 'public' }, lookup)).toBeNull();
    expect(refusalOf({ kind: 'upload', board: 'shared' }, lookup)).not.toBeNull();
    expect(refusalOf({ kind: 'upload', board: 'public' }, lookup)).toBeNull();
  });

  it("refuses renaming, archiving or deleting any board but the user's own", () => {
    expect(refusalOf({ kind: 'board.rename', board_id: 'public' }, lookup)).toMatch(/“Public” is another user's public board/);
    expect(refusalOf({ kind: 'board.delete', board_id: 'shared' }, lookup)).not.toBeNull();
    expect(refusalOf({ kind: 'board.archive', board_id: 'own' }, lookup)).toBeNull();
    // A board the cache does not know (made elsewhere meanwhile) is the server's to judge.
    expect(refusalOf({ kind: 'board.delete', board_id: 'unknown' }, lookup)).toBeNull();
  });
});
