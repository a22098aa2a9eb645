import { ImportUrlGuard } from './import-url.guard';

describe('the import URL guard against server-side request forgery', () => {
  const guard = new ImportUrlGuard([]);

  it.each([
    'http://127.0.0.1/image.qcow2',
    'http://localhost:8080/image',
    'http://10.1.2.3/x',
    'http://172.20.0.1/x',
    'http://192.168.1.1/x',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/x',
    'http://[fd00:ec2::254]/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://0.0.0.0/x',
  ])('refuses %s', async (url) => {
    await expect(guard.resolve(new URL(url))).rejects.toMatchObject({ code: 'import_url_refused' });
  });

  it('refuses schemes other than http and https', async () => {
    await expect(guard.resolve(new URL('file:///etc/passwd'))).rejects.toMatchObject({ code: 'import_url_refused' });
  });

  it('lets a public address through, and a private one the allowlist names', async () => {
    await expect(guard.resolve(new URL('http://93.184.216.34/x'))).resolves.toEqual({
      address: '93.184.216.34',
      family: 4,
    });
    const allowing = new ImportUrlGuard(['127.0.0.1', '10.0.0.0/8']);
    await expect(allowing.resolve(new URL('http://127.0.0.1:9000/x'))).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(allowing.resolve(new URL('http://10.9.9.9/x'))).resolves.toMatchObject({ address: '10.9.9.9' });
    await expect(allowing.resolve(new URL('http://192.168.0.1/x'))).rejects.toMatchObject({
      code: 'import_url_refused',
    });
  });

  it('refuses a malformed allowlist at start', () => {
    expect(() => new ImportUrlGuard(['not-an-ip'])).toThrow(/IMPORT_ALLOWED_ADDRESSES/);
  });
});
