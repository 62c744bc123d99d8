import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AppError } from '../errors';
import type { TokenStore } from './settings';

/** What the token store needs from Electron's safeStorage (the OS keychain). */
export interface TokenCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * The bearer token of a multi-user server, in one file encrypted by the OS keychain: never in
 * plain text on disk, never in settings.json or the cache. Without a keychain the token is not
 * stored at all (the user is told), rather than stored readable.
 */
export function encryptedTokenStore(file: string, cipher: TokenCipher): TokenStore {
  return {
    get() {
      if (!cipher.isEncryptionAvailable()) return null;
      try {
        return cipher.decryptString(readFileSync(file));
      } catch {
        // No file yet, or one this keychain cannot open (another user, a reinstalled system).
        return null;
      }
    },
    set(token) {
      if (token === null) return rmSync(file, { force: true });
      if (!cipher.isEncryptionAvailable()) {
        // An AppError, so the UI shows this sentence rather than "something went wrong".
        throw new AppError('internal', 'The system keychain is not available, so the token cannot be stored safely.');
      }
      writeFileSync(file, cipher.encryptString(token), { mode: 0o600 });
    },
  };
}
