import { createHash } from 'node:crypto';

/**
 * The folder name of one server's cache, and on a multi-user server one user's: the user's id
 * (never the e-mail, which would put a person's address into a file name) joins the hash, so two
 * accounts on one server never share a cache. Without a user (a single-user server) the key is
 * what it always was, so existing caches are kept. Readable (host and port first, so a person browsing
 * the data folder sees which server a folder belongs to) and unique (a hash of the normalised
 * URL, so `http://Host:80/` and `http://host` share a cache while http and https, other ports
 * and other base paths do not). Credentials, query and fragment never matter and never leak into
 * a file name.
 */
export function profileKeyFor(serverUrl: string, userId: string | null = null): string {
  const url = new URL(serverUrl.trim());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Not an http(s) server address: ${url.protocol}`);
  }
  // URL already lower-cases the scheme and host and drops a default port.
  const path = url.pathname.replace(/\/+$/, '');
  const normalised = `${url.protocol}//${url.host}${path}`;
  const hash = createHash('sha256')
    .update(userId === null ? normalised : `${normalised}\nuser:${userId}`)
    .digest('hex')
    .slice(0, 12);
  const readable = `${url.hostname}${url.port ? `-${url.port}` : ''}${path}`
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60);
  return `${readable || 'server'}${userId === null ? '' : '-user'}-${hash}`;
}

/** A key is one plain folder name: no separators, no `..`, nothing hidden. */
export function isValidProfileKey(key: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(key) && !key.includes('..');
}
