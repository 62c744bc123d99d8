import { z } from 'zod';

/**
 * zod compiles fast validators with `new Function` unless told not to; the window's CSP forbids
 * eval, so the attempt is blocked and reported as a violation. Imported first, before any schema.
 */
z.config({ jitless: true });
