import { z } from 'zod';
import { ServerTime } from './time';

/** Wire schemas for `/api/v1/auth/*` (multi-user servers, InvokeAI 6.12+; NOTES.md §7). */

/** `GET /api/v1/auth/status`: answers without a token, in either mode. */
export const SetupStatus = z.object({
  setup_required: z.boolean(),
  multiuser_enabled: z.boolean(),
  strict_password_checking: z.boolean(),
  admin_email: z.string().nullish(),
});
export type SetupStatus = z.infer<typeof SetupStatus>;

/** A user; its timestamps are ISO with a `T` (`last_login_at` with a `Z`), unlike images'. */
export const UserDTO = z.object({
  user_id: z.string(),
  email: z.string(),
  display_name: z.string().nullish(),
  is_admin: z.boolean(),
  is_active: z.boolean(),
  created_at: ServerTime,
  updated_at: ServerTime,
  last_login_at: ServerTime.nullish(),
  token_epoch: z.number().int().optional(),
});
export type UserDTO = z.infer<typeof UserDTO>;

/** `POST /api/v1/auth/login`: a JWT valid for `expires_in` seconds (1 day, 7 with remember_me). */
export const LoginResult = z.object({ token: z.string().min(1), user: UserDTO, expires_in: z.number().int() });
export type LoginResult = z.infer<typeof LoginResult>;

export const LogoutResult = z.object({ success: z.boolean() });
