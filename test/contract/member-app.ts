/**
 * The app as the member of a multi-user server, for the tests of what a member may do on other
 * users' shared and public boards: a multi-user stand-in with the suite's accounts and the admin's
 * shared and public boards, and the app's services signed in as MEMBER and synced (on the real
 * 6.14.2 of `npm run test:real` too, through startSyncedApp).
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { startStandIn, type StandIn, type StandInOptions } from '../server';
import type { BoardVisibility } from '../server/store';
import { startSyncedApp, type SyncedApp, type SyncedAppOptions } from '../support/services';
import { ADMIN, MEMBER } from './multiuser';

export interface MemberStandIn {
  server: StandIn;
  adminId: string;
  memberId: string;
  /** A token the member signed in with. */
  memberToken: string;
  /** The admin's boards the member may see: one shared (read-only to them), one public. */
  shared: string;
  public: string;
  /** Every request the stand-in was sent, as `METHOD url`, oldest first. */
  requests: string[];
  /** Makes a board of `owner`'s with this visibility, behind the app's back; answers its id. */
  boardOf: (name: string, owner: string, visibility: BoardVisibility) => string;
}

export type MemberStandInOptions = Omit<StandInOptions, 'users' | 'onRequest'> & { boardNames: { shared: string; public: string } };

/** A multi-user stand-in with ADMIN and MEMBER, and the admin's shared and public boards. */
export async function startMemberStandIn(options: MemberStandInOptions): Promise<MemberStandIn> {
  const { boardNames, ...standIn } = options;
  const requests: string[] = [];
  const server = await startStandIn({
    ...standIn,
    users: [ADMIN, MEMBER],
    onRequest: (request) => requests.push(`${request.method} ${request.url}`),
  });
  const accounts = server.accounts!;
  const { gallery } = server.state;
  const adminId = accounts.byEmail(ADMIN.email)!.user_id;
  const member = accounts.byEmail(MEMBER.email)!;
  const boardOf = (name: string, owner: string, visibility: BoardVisibility) => {
    const made = gallery.createBoard(name, owner);
    gallery.updateBoard(made.board_id, { board_visibility: visibility });
    return made.board_id;
  };
  return {
    server,
    adminId,
    memberId: member.user_id,
    memberToken: accounts.issue(member, false),
    shared: boardOf(boardNames.shared, adminId, 'shared'),
    public: boardOf(boardNames.public, adminId, 'public'),
    requests,
    boardOf,
  };
}

export interface MemberWorld<W> {
  member: MemberStandIn;
  app: SyncedApp;
  /** The test file's own items, made by its `fill`. */
  world: W;
}

/**
 * For each test: a member stand-in, the test file's own items made on it by `fill`, then the app
 * signed in as the member and synced; all closed after the test. The fields change per test.
 */
export function useMemberWorld<W>(
  standIn: MemberStandInOptions,
  app: SyncedAppOptions,
  fill: (member: MemberStandIn) => W,
): MemberWorld<W> {
  const current = {} as MemberWorld<W>;
  const closing: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    const member = await startMemberStandIn(standIn);
    closing.push(() => member.server.close());
    current.member = member;
    current.world = fill(member);
    const started = await startSyncedApp(member.server.url, member.memberToken, app);
    closing.push(() => started.close());
    current.app = started;
  });
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });
  return current;
}

/** The admin makes the public board read-only for others after the app's last sync, which saw it public. */
export async function reshareBehindTheAppsBack({ member, app }: MemberWorld<unknown>): Promise<void> {
  const { gallery } = member.server.state;
  gallery.updateBoard(member.public, { board_visibility: 'public' });
  await app.services.session().sync.sync();
  expect((await app.board(member.public)).access).toBe('contribute');
  gallery.updateBoard(member.public, { board_visibility: 'shared' });
}
