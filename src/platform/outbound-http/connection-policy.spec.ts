import { ConnectionPolicy, type ConnectionPolicyOptions } from './connection-policy';
import { ProviderHttpClient } from './provider-http-client';
import { replyJson, ScriptedHttpServer } from './testing/scripted-http-server';
import { ProviderUnavailableError } from '../errors/provider.errors';

/** Attempts answer a value: `fail` is a transient failure, `asks:<ms>` one asking for a wait, anything else a success. */
const classifier = {
  isTransientError: (error: unknown) => (error as Error).message === 'transient',
  isTransientAnswer: (value: unknown) => value === 'fail' || String(value).startsWith('asks:'),
  retryAfterMs: (value: unknown) => (String(value).startsWith('asks:') ? Number(String(value).slice(5)) : null),
};

describe('the policy of a provider connection', () => {
  let delays: number[];
  beforeEach(() => (delays = []));

  const policy = (options: Partial<ConnectionPolicyOptions> = {}) =>
    new ConnectionPolicy(
      { provider: 'p', random: () => 0.5, sleep: async (ms) => void delays.push(ms), ...options },
      classifier,
    );
  /** An attempt that answers `answers` in turn, then 'ok'. */
  const scripted = (...answers: string[]) => {
    const attempt = jest.fn(async () => answers.shift() ?? 'ok');
    return attempt;
  };
  const call = { replayable: true, target: 'GET /x' };

  describe('backoff', () => {
    it('doubles the ceiling with each retry and draws uniformly below it (full jitter)', async () => {
      await policy({ maxRetries: 4 }).execute(scripted('fail', 'fail', 'fail', 'fail'), call);
      expect(delays).toEqual([100, 200, 400, 800]);

      delays = [];
      await policy({ random: () => 0 }).execute(scripted('fail'), call);
      expect(delays).toEqual([0]);
      delays = [];
      await policy({ random: () => 0.999, maxRetries: 4 }).execute(scripted('fail', 'fail', 'fail', 'fail'), call);
      expect(delays[3]).toBe(1598);
    });

    it('never exceeds maxDelayMs however many retries have happened', async () => {
      const failures = Array.from({ length: 12 }, () => 'fail');
      await policy({ random: () => 0.999, maxRetries: 12 }).execute(scripted(...failures), call);
      expect(delays.slice(10)).toEqual([9990, 9990]);
    });

    it("prefers the provider's Retry-After over our backoff", async () => {
      await policy().execute(scripted('asks:2500'), call);
      expect(delays).toEqual([2500]);
    });

    it('caps a Retry-After longer than three times maxDelayMs', async () => {
      await policy().execute(scripted('asks:3600000'), call);
      expect(delays).toEqual([30_000]);
    });

    it('falls back to jittered backoff without Retry-After, stepping on past the waits a provider asked for', async () => {
      await policy().execute(scripted('asks:2500', 'asks:10', 'fail'), call);
      expect(delays).toEqual([2500, 10, 400]);
    });
  });

  describe('retries', () => {
    it('gives up after maxRetries with the last answer', async () => {
      const attempt = scripted('fail', 'fail', 'fail', 'fail');
      expect(await policy({ maxRetries: 2 }).execute(attempt, call)).toBe('fail');
      expect(attempt).toHaveBeenCalledTimes(3);
    });

    it('retries thrown transient failures, and lets others through at once', async () => {
      let calls = 0;
      const flaky = async () => {
        if (++calls < 3) throw new Error('transient');
        return 'ok';
      };
      expect(await policy().execute(flaky, call)).toBe('ok');
      const broken = jest.fn(async () => {
        throw new Error('a bug');
      });
      await expect(policy().execute(broken, call)).rejects.toThrow('a bug');
      expect(broken).toHaveBeenCalledTimes(1);
    });

    it('sends a call that cannot be replayed once', async () => {
      const attempt = scripted('fail', 'fail');
      expect(await policy().execute(attempt, { ...call, replayable: false })).toBe('fail');
      expect(attempt).toHaveBeenCalledTimes(1);
    });

    it("ends a backoff wait at once when the caller's signal aborts, with the caller's reason", async () => {
      const controller = new AbortController();
      const reason = new Error('shutting down');
      setTimeout(() => controller.abort(reason), 50);
      const started = Date.now();
      const waiting = new ConnectionPolicy({ provider: 'p', baseDelayMs: 60_000, random: () => 0.99 }, classifier);

      await expect(waiting.execute(scripted('fail'), { ...call, signal: controller.signal })).rejects.toBe(reason);
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  describe('the circuit breaker', () => {
    const breaker = { window: 10, minimumCalls: 5, failureRatio: 0.8, coolDownMs: 300 };

    it('stays closed while a fifth of the calls fail', async () => {
      const p = policy({ breaker, maxRetries: 0 });
      for (let i = 0; i < 100; i++) await p.execute(scripted(i % 5 === 0 ? 'fail' : 'ok'), call);
      await expect(p.execute(scripted(), call)).resolves.toBe('ok');
    });

    it('opens when most recent calls failed, refuses during the cool-down, then lets one trial through', async () => {
      const p = policy({ breaker, maxRetries: 0 });
      for (let i = 0; i < 5; i++) await p.execute(scripted('fail'), call);
      const refused = scripted();
      await expect(p.execute(refused, call)).rejects.toThrow(
        /GET \/x not sent: p failed most recent calls \(circuit open\)/,
      );
      expect(refused).not.toHaveBeenCalled();

      await new Promise((r) => setTimeout(r, 300));
      // The trial fails: open again for another cool-down.
      await p.execute(scripted('fail'), call);
      await expect(p.execute(scripted(), call)).rejects.toBeInstanceOf(ProviderUnavailableError);
      await new Promise((r) => setTimeout(r, 300));
      // The trial passes: closed.
      await p.execute(scripted(), call);
      await expect(p.execute(scripted(), call)).resolves.toBe('ok');
    });

    it('makes the client fail fast, without calling, once a provider is hard down', async () => {
      const server = await ScriptedHttpServer.start();
      try {
        server.otherwise(replyJson(503, { message: 'down' }));
        const client = new ProviderHttpClient({
          provider: 'down-cloud',
          baseUrl: server.url,
          maxRetries: 2,
          sleep: async () => undefined,
          breaker: { window: 10, minimumCalls: 5, failureRatio: 0.8, coolDownMs: 60_000 },
        });
        for (let i = 0; i < 2; i++) {
          await expect(client.request({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(ProviderUnavailableError);
        }
        const calls = server.requests.length;
        await expect(client.request({ method: 'GET', path: '/x' })).rejects.toThrow(/circuit open/);
        expect(server.requests.length).toBe(calls);
      } finally {
        await server.close();
      }
    });
  });

  describe('the bulkhead', () => {
    it('never lets more calls run than the limit in one process', async () => {
      const p = policy({ maxConcurrentCalls: 3 });
      let active = 0;
      let peak = 0;
      await Promise.all(
        Array.from({ length: 30 }, () =>
          p.execute(async () => {
            active += 1;
            peak = Math.max(peak, active);
            await new Promise((r) => setTimeout(r, 5));
            active -= 1;
            return 'ok';
          }, call),
        ),
      );
      expect(peak).toBe(3);
    });
  });
});
