import { namesEntityTag } from './conditional-get.hooks';

describe('If-None-Match against a page ETag', () => {
  const etag = '"abc123"';

  it('matches the same tag, a weak form of it, one in a list, and *', () => {
    expect(namesEntityTag('"abc123"', etag)).toBe(true);
    expect(namesEntityTag('W/"abc123"', etag)).toBe(true);
    expect(namesEntityTag('"x", "y" ,W/"abc123"', etag)).toBe(true);
    expect(namesEntityTag('*', etag)).toBe(true);
  });

  it('does not match another tag, a tag without its quotes, or an empty header', () => {
    expect(namesEntityTag('"abc1234"', etag)).toBe(false);
    expect(namesEntityTag('abc123', etag)).toBe(false);
    expect(namesEntityTag('', etag)).toBe(false);
  });
});
