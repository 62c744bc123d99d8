/**
 * The stand-in's multi-user mode beyond what the contract suite can reach on a real server: an
 * expired token (the real one cannot be made to mint one), and the single-user default untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from './index';

const ADMIN = { email: 'ada@example.com', password: 'Admin-pass-123', display_name: 'Ada', is_admin: true };

describe('stand-in multi-user mode', () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startStandIn({ images: 5, users: [ADMIN] });
  });
  afterAll(() => standIn.close());

  it('refuses an expired token like a broken one', async () => {
    const user = standIn.accounts!.byEmail(ADMIN.email)!;
    const expired = standIn.accounts!.issue(user, false, -1);
    const names = await fetch(`${standIn.url}/api/v1/images/names`, { headers: { authorization: `Bearer ${expired}` } });
    expect(names.status).toBe(401);
    expect(await names.json()).toEqual({ detail: 'Invalid or expired token' });
    const me = await fetch(`${standIn.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${expired}` } });
    expect(await me.json()).toEqual({ detail: 'Invalid or expired authentication token' });
    const fresh = standIn.accounts!.issue(user, false);
    expect((await fetch(`${standIn.url}/api/v1/images/names`, { headers: { authorization: `Bearer ${fresh}` } })).status).toBe(200);
  });

  it('reports multiuser in the runtime config, and single-user servers stay open', async () => {
    const token = standIn.accounts!.issue(standIn.accounts!.byEmail(ADMIN.email)!, false);
    const config = await fetch(`${standIn.url}/api/v1/app/runtime_config`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await config.json()) as { config: { multiuser: boolean } }).config.multiuser).toBe(true);
    const single = await startStandIn({ images: 5 });
    try {
      expect((await fetch(`${single.url}/api/v1/images/names`)).status).toBe(200);
      expect(single.accounts).toBeNull();
    } finally {
      await single.close();
    }
  });
});
