import { SecretsCipher } from './secrets-cipher';

/** Sealed credentials that neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS opens. */
export class SecretsKeyMismatchError extends Error {
  constructor() {
    super('sealed under another key than SECRETS_KEY (and SECRETS_KEY_PREVIOUS)');
    this.name = 'SecretsKeyMismatchError';
  }
}

/**
 * SECRETS_KEY and, during a rotation, SECRETS_KEY_PREVIOUS: values are always
 * sealed with the current key and opened with the current one, else the
 * previous one; `stale` tells the caller to seal the value again.
 */
export class SecretsKeyring {
  private readonly current: SecretsCipher;
  private readonly previous: SecretsCipher | null;

  constructor(current: Buffer, previous: Buffer | null) {
    this.current = new SecretsCipher(current);
    this.previous = previous ? new SecretsCipher(previous) : null;
  }

  seal(plaintext: string, associatedData: string): Buffer {
    return this.current.encrypt(plaintext, associatedData);
  }

  open(sealed: Uint8Array, associatedData: string): { plaintext: string; stale: boolean } {
    try {
      return { plaintext: this.current.decrypt(sealed, associatedData), stale: false };
    } catch {
      // GCM's tag check failed under the current key: try the previous one, if any.
    }
    if (this.previous) {
      try {
        return { plaintext: this.previous.decrypt(sealed, associatedData), stale: true };
      } catch {
        // neither key opens it
      }
    }
    throw new SecretsKeyMismatchError();
  }
}
