import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Presigned part URLs in S3's query form (X-Amz-Date, X-Amz-Expires,
 * X-Amz-Signature), signed with an HMAC only this emulator knows, so a part
 * URL cannot be forged or reused after it expires. Not SigV4: nothing outside
 * the emulator verifies it.
 */
export interface PartUrlClaims {
  key: string;
  uploadId: string;
  partNumber: number;
}

export type PresignVerdict =
  { ok: true } | { ok: false; code: 'AccessDenied' | 'SignatureDoesNotMatch'; message: string };

export class PartUrlSigner {
  private readonly secret = randomBytes(32);

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number,
  ) {}

  /** The query string (without `?`) for one part. */
  sign(claims: PartUrlClaims): string {
    const date = amzDate(this.now());
    const expires = String(this.ttlSeconds);
    const query = new URLSearchParams({
      partNumber: String(claims.partNumber),
      uploadId: claims.uploadId,
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Date': date,
      'X-Amz-Expires': expires,
    });
    query.set('X-Amz-Signature', this.signature(claims, date, expires));
    return query.toString();
  }

  verify(key: string, query: Readonly<Record<string, string | undefined>>): PresignVerdict {
    const { uploadId, partNumber, 'X-Amz-Date': date, 'X-Amz-Expires': expires, 'X-Amz-Signature': given } = query;
    if (!uploadId || !partNumber || !date || !expires || !given) {
      return {
        ok: false,
        code: 'AccessDenied',
        message: 'Query-string authentication requires the X-Amz-* parameters',
      };
    }
    const expected = this.signature({ key, uploadId, partNumber: Number(partNumber) }, date, expires);
    const a = Buffer.from(expected);
    const b = Buffer.from(given);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      return {
        ok: false,
        code: 'SignatureDoesNotMatch',
        message: 'The request signature we calculated does not match the signature you provided.',
      };
    }
    const signedAt = parseAmzDate(date);
    if (signedAt === null || this.now() > signedAt + Number(expires) * 1000) {
      return { ok: false, code: 'AccessDenied', message: 'Request has expired' };
    }
    return { ok: true };
  }

  private signature(claims: PartUrlClaims, date: string, expires: string): string {
    return createHmac('sha256', this.secret)
      .update(`${claims.key}\n${claims.uploadId}\n${claims.partNumber}\n${date}\n${expires}`)
      .digest('hex');
  }
}

/** `20250115T083012Z` */
function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseAmzDate(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : null;
}
