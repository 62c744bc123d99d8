/**
 * The `user_id` claim of an InvokeAI token (an HS256 JWT, NOTES.md §7), read without checking the
 * signature: it only says whose cache a stored token's data belongs in (a token pasted in
 * Settings, or one that has since expired), never grants anything.
 */
export function userIdOfToken(token: string | null): string | null {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const userId = typeof claims === 'object' && claims !== null ? (claims as { user_id?: unknown }).user_id : undefined;
    return typeof userId === 'string' && userId !== '' ? userId : null;
  } catch {
    return null;
  }
}
