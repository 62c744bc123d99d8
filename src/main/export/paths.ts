import type { ExportPattern } from '../../shared/ipc';

/**
 * Where each image of an export goes, relative to the chosen folder. Pure: the same entry and
 * pattern always give the same path, which is what lets an export resume (a finished file is
 * found where it was written) and keeps two exports of a board from scattering copies.
 */
export interface NamedEntry {
  image_name: string;
  board_name: string | null;
  created_at: Date;
}

export const UNCATEGORIZED_FOLDER = 'Uncategorized';

/** Characters no common file system accepts in a name (Windows is the strictest), and controls. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
const UNSAFE = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;
const DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;
const MAX_FOLDER_CHARS = 100;

/** A board's name as a folder name that every file system takes and that cannot leave the export folder. */
export function folderName(boardName: string | null): string {
  if (boardName === null) return UNCATEGORIZED_FOLDER;
  let name = boardName.replace(UNSAFE, '_').trim().slice(0, MAX_FOLDER_CHARS);
  // Windows drops trailing dots and spaces; `.` and `..` would leave the folder.
  name = name.replace(/[. ]+$/, '');
  if (name === '' || /^\.+$/.test(name)) return 'Board';
  return DEVICE.test(name) ? `${name}_` : name;
}

const two = (value: number) => String(value).padStart(2, '0');

/** `2026-12-07_001522`, in UTC so the same export names files alike on every machine. */
export function stamp(date: Date): string {
  return (
    `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}_` +
    `${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}`
  );
}

/**
 * The relative path of an image's file. Image names are unique and already file-safe (the cache
 * only admits `isValidImageName` names), so no two entries of one export share a path.
 */
export function exportPath(entry: NamedEntry, pattern: ExportPattern): string {
  if (pattern === 'name') return entry.image_name;
  return `${folderName(entry.board_name)}/${stamp(entry.created_at)}_${entry.image_name}`;
}

/** The sidecar beside an image file: `<file>.json`. */
export function sidecarPath(imagePath: string): string {
  return `${imagePath}.json`;
}
