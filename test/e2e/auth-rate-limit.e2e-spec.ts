import { BrokerProcess, READER_SECRET } from '../../harness/broker-process';

const LIMIT = 5;

/** `count` requests at once with a key that does not exist, each claiming another client address. */
async function badKeyBurst(broker: BrokerProcess, count: number, forwardedFor: (i: number) => string) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      broker.api<{ status: number; title: string }>('/v1/images', {
        secret: 'not-a-key-0123456789',
        headers: { 'x-forwarded-for': forwardedFor(i) },
      }),
    ),
  );
}

describe('the rate limit of requests without a valid key', () => {
  describe('with no proxy trusted (the default)', () => {
    let broker: BrokerProcess;
    beforeAll(async () => {
      broker = await BrokerProcess.start({
        label: 'authlimit',
        role: 'api',
        env: { RATE_LIMIT_REQUESTS: String(LIMIT), RATE_LIMIT_WINDOW_SECONDS: '60' },
      });
    });
    afterAll(() => broker?.stop());

    it('counts 401s against the client address and answers 429 with Retry-After, whatever X-Forwarded-For claims', async () => {
      const answers = await badKeyBurst(broker, 40, (i) => `203.0.113.${i + 1}`);
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(LIMIT);
      expect(statuses.filter((s) => s === 429)).toHaveLength(40 - LIMIT);
      const limited = answers.find((a) => a.status === 429)!;
      expect(limited.headers.get('content-type')).toContain('application/problem+json');
      expect(limited.body).toMatchObject({ status: 429, title: 'Too many requests' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

      // A valid key has its own budget: the address's failures do not lock its holder out.
      expect((await broker.api('/v1/images', { secret: READER_SECRET })).status).toBe(200);
    });
  });

  describe('behind a proxy named in TRUST_PROXY', () => {
    let broker: BrokerProcess;
    beforeAll(async () => {
      broker = await BrokerProcess.start({
        label: 'authlimit-proxy',
        role: 'api',
        env: { RATE_LIMIT_REQUESTS: String(LIMIT), RATE_LIMIT_WINDOW_SECONDS: '60', TRUST_PROXY: '127.0.0.1' },
      });
    });
    afterAll(() => broker?.stop());

    it("counts by the address the trusted proxy forwards, so one client's failures do not block another", async () => {
      const first = await badKeyBurst(broker, LIMIT + 3, () => '198.51.100.10');
      expect(first.filter((a) => a.status === 429)).toHaveLength(3);
      const other = await badKeyBurst(broker, 1, () => '198.51.100.20');
      expect(other[0].status).toBe(401);
    });
  });
});
