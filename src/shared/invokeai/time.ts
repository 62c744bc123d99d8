import { z } from 'zod';

/**
 * InvokeAI stores timestamps as SQLite strings in UTC with no zone marker
 * (`2026-08-19 01:13:04.123`, sometimes without the fraction). Read as local time they would be
 * off by the user's UTC offset, so parse them explicitly as UTC. ISO strings with a zone are
 * accepted too (our own records, and the ISO `T` form the server uses for users).
 */
const SQLITE_UTC = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/;

export function parseServerTime(value: string): Date | null {
  const match = SQLITE_UTC.exec(value);
  const date = new Date(match ? `${match[1]}T${match[2]}Z` : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Formats a Date the way the server writes timestamps (UTC, millisecond precision, no zone). */
export function formatServerTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** A server timestamp on the wire: kept as the raw string; parse with parseServerTime. */
export const ServerTime = z.string();
