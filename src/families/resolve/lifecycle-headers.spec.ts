import { lifecycleHeaders } from './lifecycle-headers';

const successor = (v: string) => `/v1/families/f/resolve?version=${v}&provider=p`;
const base = {
  state: 'active',
  stateAt: new Date('2026-12-01T00:00:00Z'),
  scheduledState: null,
  scheduledAt: null,
  replacement: null,
} as const;

describe('lifecycleHeaders', () => {
  it('says nothing of an active version with nothing scheduled', () => {
    expect(lifecycleHeaders({ ...base, replacement: '2' }, successor)).toEqual({});
  });

  it('dates a deprecated version in unix seconds (RFC 9745) and links its replacement', () => {
    expect(
      lifecycleHeaders(
        { ...base, state: 'deprecated', stateAt: new Date('2026-12-01T00:00:00.900Z'), replacement: '2' },
        successor,
      ),
    ).toEqual({
      deprecation: '@1796083200',
      link: '</v1/families/f/resolve?version=2&provider=p>; rel="successor-version"',
    });
  });

  it('gives a scheduled revocation as Sunset, an HTTP-date (RFC 8594)', () => {
    const headers = lifecycleHeaders(
      { ...base, state: 'deprecated', scheduledState: 'revoked', scheduledAt: new Date('2027-01-05T10:00:00Z') },
      successor,
    );
    expect(headers.sunset).toBe('Tue, 05 Jan 2027 10:00:00 GMT');
    expect(headers.link).toBeUndefined();
  });

  it('announces a scheduled deprecation with its future date', () => {
    const at = new Date('2027-02-01T00:00:00Z');
    expect(lifecycleHeaders({ ...base, scheduledState: 'deprecated', scheduledAt: at }, successor)).toEqual({
      deprecation: `@${at.getTime() / 1000}`,
    });
  });
});
