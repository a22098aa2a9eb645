import { extractProviderMessage } from '../outbound-http/provider-error-message';
import { ProviderRejectedError } from '../errors/provider.errors';
import { REDACTED, SecretRedactor, secretRedactor } from './secret-redactor';

describe('SecretRedactor', () => {
  afterEach(() => secretRedactor.clear());

  it('redacts every credential of a connection raw, URL-encoded, form-encoded and JSON-escaped', () => {
    const redactor = new SecretRedactor();
    const password = 'p@ss w+rd/"x"';
    redactor.rememberConnection({
      name: 'c',
      auth: {
        type: 'keystone',
        authUrl: 'http://k/v3',
        username: 'broker',
        password,
        projectId: 'p',
      },
    });
    const text = [
      password,
      encodeURIComponent(password),
      new URLSearchParams({ v: password }).toString().slice(2),
      JSON.stringify(password).slice(1, -1),
    ].join(' | ');
    expect(redactor.redact(text)).toBe([REDACTED, REDACTED, REDACTED, REDACTED].join(' | '));
    // What is not secret stays.
    expect(redactor.redact('user broker at http://k/v3')).toBe('user broker at http://k/v3');
  });

  it('redacts an OAuth2 client secret and the HTTP Basic credential built from it', () => {
    const redactor = new SecretRedactor();
    redactor.rememberConnection({
      name: 'n',
      auth: { type: 'oauth2-client-credentials', tokenUrl: 'http://t', clientId: 'id:1', clientSecret: 's3cret:x' },
    });
    const basic = Buffer.from('id%3A1:s3cret%3Ax').toString('base64');
    expect(redactor.redact(`Authorization: Basic ${basic}; secret s3cret:x`)).toBe(
      `Authorization: Basic ${REDACTED}; secret ${REDACTED}`,
    );
  });

  it('redacts tokens obtained at run time and forgets a replaced connection credential', () => {
    const redactor = new SecretRedactor();
    redactor.rememberIssuedToken('issued-token-123');
    redactor.rememberConnection({ name: 'g', auth: { type: 'token', token: 'old-token-1' } });
    redactor.rememberConnection({ name: 'g', auth: { type: 'token', token: 'new-token-2' } });
    expect(redactor.redact('issued-token-123 new-token-2 old-token-1')).toBe(`${REDACTED} ${REDACTED} old-token-1`);
  });

  it('takes a secret out of a provider message before cutting it to length, so no half of it is left', () => {
    const secret = `s-${'x'.repeat(40)}-tail`;
    secretRedactor.rememberConnection({ name: 'g', auth: { type: 'token', token: secret } });
    const message = extractProviderMessage({ message: `${'a'.repeat(480)} ${secret}` })!;
    expect(message).not.toContain('xxxxxxxxxx');
  });

  it('builds provider errors without the secret they were given', () => {
    secretRedactor.rememberConnection({ name: 'g', auth: { type: 'token', token: 'echoed-token-9' } });
    expect(new ProviderRejectedError('g', 'refused echoed-token-9').message).toBe(`refused ${REDACTED}`);
  });
});
