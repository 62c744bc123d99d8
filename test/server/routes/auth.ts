/**
 * `/api/v1/auth/*`: the mode probe, sign-in, who am I, sign-out, first-admin setup and the admin's
 * user management, in single-user mode (`accounts` null: login 403, me/logout 401) and multi-user
 * mode, worded as 6.14.2 words them (NOTES.md §7).
 */
import { bearerOf, dependencyRefusal, type Accounts, type UserDTO } from '../auth';
import { HttpError, json, type RequestContext, type Router } from '../http';

const MEDIA_COOKIE = 'invokeai_media_token';
const SINGLE_USER_LOGIN = 'Multiuser mode is disabled. Authentication is not required in single-user mode.';
const SINGLE_USER_SETUP = 'Multiuser mode is disabled. Admin setup is not required in single-user mode.';
const EMAIL_PROBLEM = 'Invalid email address: An email address must have an @-sign.';

export function registerAuthRoutes(router: Router, accounts: Accounts | null): void {
  const currentUser = (ctx: RequestContext): UserDTO => {
    const token = bearerOf(ctx.req.headers.authorization);
    // In single-user mode these routes still demand a token, and no token is ever valid.
    if (!accounts) throw dependencyRefusal(token ? 'invalid' : 'missing');
    const verdict = accounts.verify(token);
    if ('problem' in verdict) throw dependencyRefusal(verdict.problem);
    return verdict.user;
  };
  const adminUser = (ctx: RequestContext): UserDTO => {
    const user = currentUser(ctx);
    if (!user.is_admin) throw new HttpError(403, 'Admin privileges required');
    return user;
  };

  router.get('/api/v1/auth/status', () => {
    const setupRequired = accounts !== null && !accounts.hasAdmin;
    return json({
      setup_required: setupRequired,
      multiuser_enabled: accounts !== null,
      strict_password_checking: false,
      admin_email: null,
    });
  });

  router.post('/api/v1/auth/login', async (ctx) => {
    const body = await ctx.bodyReader({ embedded: false });
    const email = body.str('email', { required: true });
    const password = body.str('password', { required: true });
    const rememberMe = body.bool('remember_me') ?? false;
    if (email && !email.includes('@')) body.fail({ type: 'value_error', loc: ['body', 'email'], msg: EMAIL_PROBLEM, input: email });
    body.done();
    if (!accounts) throw new HttpError(403, SINGLE_USER_LOGIN);
    const user = accounts.authenticate(email, password);
    if (!user) throw new HttpError(401, 'Incorrect email or password', { 'www-authenticate': 'Bearer' });
    if (!user.is_active) throw new HttpError(403, 'User account is disabled');
    const token = accounts.issue(user, rememberMe);
    const expiresIn = rememberMe ? 604_800 : 86_400;
    return json({ token, user, expires_in: expiresIn }, 200, {
      'set-cookie': `${MEDIA_COOKIE}=${token}; HttpOnly; Max-Age=${expiresIn}; Path=/api/v1; SameSite=lax`,
    });
  });

  router.post('/api/v1/auth/logout', (ctx) => {
    currentUser(ctx);
    // Stateless on the real server: the token stays valid until it expires; only the cookie goes.
    const expired = new Date().toUTCString();
    return json({ success: true }, 200, { 'set-cookie': `${MEDIA_COOKIE}=""; expires=${expired}; Max-Age=0; Path=/api/v1; SameSite=lax` });
  });

  router.get('/api/v1/auth/me', (ctx) => json(currentUser(ctx)));

  router.post('/api/v1/auth/setup', async (ctx) => {
    const body = await ctx.bodyReader({ embedded: false });
    const email = body.str('email', { required: true });
    const displayName = body.str('display_name', { nullable: true });
    const password = body.str('password', { required: true });
    body.done();
    if (!accounts) throw new HttpError(403, SINGLE_USER_SETUP);
    if (accounts.hasAdmin) throw new HttpError(400, 'Administrator account already configured');
    return json({ success: true, user: accounts.create({ email, password, display_name: displayName ?? null, is_admin: true }) });
  });

  router.get('/api/v1/auth/users', (ctx) => {
    adminUser(ctx);
    return json(accounts!.list());
  });

  router.post('/api/v1/auth/users', async (ctx) => {
    adminUser(ctx);
    const body = await ctx.bodyReader({ embedded: false });
    const email = body.str('email', { required: true });
    const displayName = body.str('display_name', { nullable: true });
    const password = body.str('password', { required: true });
    const isAdmin = body.bool('is_admin') ?? false;
    body.done();
    return json(accounts!.create({ email, password, display_name: displayName ?? null, is_admin: isAdmin }), 201);
  });

  router.patch('/api/v1/auth/users/{user_id}', async (ctx) => {
    adminUser(ctx);
    const body = await ctx.bodyReader({ embedded: false });
    const displayName = body.str('display_name', { nullable: true });
    const password = body.str('password');
    const isAdmin = body.bool('is_admin', { nullable: true });
    const isActive = body.bool('is_active', { nullable: true });
    body.done();
    return json(
      accounts!.update(ctx.params.user_id!, {
        ...(displayName !== undefined ? { display_name: displayName } : {}),
        ...(typeof password === 'string' ? { password } : {}),
        ...(typeof isAdmin === 'boolean' ? { is_admin: isAdmin } : {}),
        ...(typeof isActive === 'boolean' ? { is_active: isActive } : {}),
      }),
    );
  });
}
