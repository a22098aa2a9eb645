import { randomBytes } from 'node:crypto';
import { SecretsCipher } from './secrets-cipher';

describe('provider credentials at rest', () => {
  const cipher = new SecretsCipher(randomBytes(32));

  it('round-trips a secret and never stores it in clear', () => {
    const sealed = cipher.encrypt('{"token":"super-secret-token"}', 'genesis');
    expect(sealed.toString('latin1')).not.toContain('super-secret');
    expect(cipher.decrypt(sealed, 'genesis')).toBe('{"token":"super-secret-token"}');
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('same', 'a').equals(cipher.encrypt('same', 'a'))).toBe(false);
  });

  it('refuses a ciphertext moved to another connection, tampered with, or sealed under another key', () => {
    const sealed = cipher.encrypt('secret', 'genesis');
    expect(() => cipher.decrypt(sealed, 'nscale-eu')).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => cipher.decrypt(tampered, 'genesis')).toThrow();
    expect(() => new SecretsCipher(randomBytes(32)).decrypt(sealed, 'genesis')).toThrow();
  });
});
