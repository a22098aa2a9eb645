import { CircuitBreaker } from './circuit-breaker';
import { ProviderHttpClient } from './provider-http-client';
import { replyJson, ScriptedHttpServer } from './testing/scripted-http-server';
import { ProviderUnavailableError } from '../errors/provider.errors';

describe('the circuit breaker of a provider connection', () => {
  let clock = 0;
  const breaker = () =>
    new CircuitBreaker({ window: 10, minimumCalls: 5, failureRatio: 0.8, coolDownMs: 1000, now: () => clock });

  beforeEach(() => {
    clock = 0;
  });

  it('stays closed while a fifth of the calls fail', () => {
    const b = breaker();
    for (let i = 0; i < 100; i++) b.record(i % 5 !== 0);
    expect(b.state).toBe('closed');
  });

  it('opens when most recent calls failed, refuses during the cool-down, then lets one trial through', () => {
    const b = breaker();
    for (let i = 0; i < 5; i++) b.record(false);
    expect(b.state).toBe('open');
    expect(b.refusalMs()).toBe(1000);
    clock = 1000;
    expect(b.state).toBe('half-open');
    expect(b.refusalMs()).toBe(0);
    b.begin();
    expect(b.refusalMs()).toBeGreaterThan(0);
    b.record(false);
    expect(b.state).toBe('open');
    clock = 2000;
    b.begin();
    b.record(true);
    expect(b.state).toBe('closed');
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
        breaker: new CircuitBreaker({ window: 10, minimumCalls: 5, failureRatio: 0.8, coolDownMs: 60_000 }),
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
