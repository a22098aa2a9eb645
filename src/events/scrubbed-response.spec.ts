import { scrubbedResponse } from './scrubbed-response';

describe("a receiver's answer as an attempt keeps it", () => {
  it('redacts what looks like a secret and drops control characters', () => {
    const text = scrubbedResponse(
      Buffer.from('error\u0000: token=abc123 Bearer xyz.def whsec_QUJD password: "hunter2"'),
    );
    expect(text).toBe('error: token=[redacted] [redacted] [redacted] password: "[redacted]"');
  });

  it('is cut to 256 characters', () => {
    expect(scrubbedResponse(Buffer.from('x'.repeat(10_000)))).toHaveLength(257);
  });

  it('is null when empty', () => {
    expect(scrubbedResponse(Buffer.alloc(0))).toBeNull();
  });
});
