import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file that must not exist yet, whole or not at all: the bytes go to a temporary file
 * beside it, which is then hard-linked to the name (link fails with EEXIST instead of replacing,
 * unlike rename). So an existing file is never overwritten, and an interrupted write never
 * leaves half a file under the real name for a resume to take as finished. File systems without
 * hard links (FAT, some network shares) get an exclusive copy instead.
 */
export async function writeNew(path: string, bytes: Uint8Array): Promise<'written' | 'exists'> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
  await writeFile(temp, bytes);
  try {
    await link(temp, path);
    return 'written';
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return 'exists';
    try {
      await copyFile(temp, path, constants.COPYFILE_EXCL);
      return 'written';
    } catch (copyError) {
      if (codeOf(copyError) === 'EEXIST') return 'exists';
      throw copyError;
    }
  } finally {
    await rm(temp, { force: true });
  }
}

export function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
