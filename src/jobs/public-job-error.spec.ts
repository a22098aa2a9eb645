import { ProviderRejectedError } from '../platform/errors/provider.errors';
import { publicJobError } from './public-job-error';

describe('publicJobError', () => {
  it('shows a generic message for an internal failure, never its text', () => {
    const prismaLike = Object.assign(new Error('Invalid `prisma.$executeRawUnsafe()` invocation: Raw query failed'), {
      code: 'P2010',
    });
    const shown = publicJobError(prismaLike);
    expect(shown).toMatchObject({ code: 'internal_error', internal: true });
    expect(shown.message).not.toMatch(/prisma|raw query/i);
  });

  it("keeps a provider error's message, with URL credentials scrubbed", () => {
    const shown = publicJobError(new ProviderRejectedError('g', 'see https://u:pw@h.test/x?token=abc123'));
    expect(shown).toMatchObject({ code: 'provider_rejected', internal: false });
    expect(shown.message).not.toContain('abc123');
    expect(shown.message).not.toContain('u:pw');
  });
});
