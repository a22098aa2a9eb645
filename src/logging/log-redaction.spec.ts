import { scrubUrl, scrubUrlsInText } from './log-redaction';

describe('log redaction', () => {
  it('replaces presigned signatures, credentials and tokens in a query, keeping the rest', () => {
    const url =
      'http://s3.local:9000/staging/uploads/a?partNumber=2&X-Amz-Credential=AKIA%2F20261124&X-Amz-Signature=abcdef0123&uploadId=u1';
    const scrubbed = scrubUrl(url);
    expect(scrubbed).toContain('partNumber=2');
    expect(scrubbed).toContain('uploadId=u1');
    expect(scrubbed).toContain('X-Amz-Signature=[REDACTED]');
    expect(scrubbed).toContain('X-Amz-Credential=[REDACTED]');
    expect(scrubbed).not.toContain('abcdef0123');
    expect(scrubbed).not.toContain('AKIA');
  });

  it('drops the password of a URL with userinfo', () => {
    const scrubbed = scrubUrl('https://me:hunter2@example.com/disk.img');
    expect(scrubbed).toBe('https://[REDACTED]@example.com/disk.img');
    expect(scrubbed).not.toContain('hunter2');
  });

  it('keeps a path and query without secrets as they are', () => {
    expect(scrubUrl('/v1/images?limit=10&provider=nhn-kr1')).toBe('/v1/images?limit=10&provider=nhn-kr1');
    expect(scrubUrl('/v1/images?access_token=t0ken')).toBe('/v1/images?access_token=[REDACTED]');
  });

  it('scrubs every URL inside a message', () => {
    const message =
      'GET http://u:p4ss@10.0.0.1/a?token=s3cr3t failed, then https://h/b?X-Amz-Signature=sig answered 404';
    const scrubbed = scrubUrlsInText(message);
    expect(scrubbed).not.toMatch(/p4ss|s3cr3t|sig\b/);
    expect(scrubbed).toMatch(/^GET http:\/\/\[REDACTED\]@10\.0\.0\.1\/a\?token=\[REDACTED\] failed/);
    expect(scrubbed).toMatch(/answered 404$/);
  });
});
