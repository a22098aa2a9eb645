import { replyJson, ScriptedHttpServer } from '../../../platform/outbound-http/testing/scripted-http-server';
import { ConnectionPolicy } from '../../../platform/outbound-http/connection-policy';
import { StaticHeaderSource } from '../../../platform/outbound-http/static-header-source';
import { type AuthRequestTuning, createConnectionHttpClient } from './connection-http-client';

describe('createConnectionHttpClient', () => {
  let server: ScriptedHttpServer;
  const noWait = { sleep: async () => undefined };

  beforeAll(async () => (server = await ScriptedHttpServer.start()));
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const conn = () => ({ name: 'cloud-a', endpoint: `${server.url}/api`, maxRetries: 1 });

  it("calls the connection's endpoint with the connection's own auth source", async () => {
    server.otherwise(replyJson(200, {}));
    const client = createConnectionHttpClient(conn(), noWait, () => new StaticHeaderSource({ 'X-Auth-Token': 'own' }));

    await client.request({ method: 'GET', path: '/images' });

    expect(server.requests[0]).toMatchObject({ url: '/api/images', headers: { 'x-auth-token': 'own' } });
  });

  it('hands the auth source the same tuning and policy as the client, the connection first and the overrides over it', () => {
    let seen: AuthRequestTuning | undefined;
    createConnectionHttpClient({ ...conn(), timeoutMs: 5_000 }, { ...noWait, maxRetries: 4 }, (tuning) => {
      seen = tuning;
      return new StaticHeaderSource({});
    });

    // The token requests share the connection's one policy (breaker and limits), as they shared its breaker before.
    expect(seen).toEqual({
      timeoutMs: 5_000,
      maxRetries: 4,
      sleep: noWait.sleep,
      policy: expect.any(ConnectionPolicy) as unknown,
    });
  });

  it('uses an auth source given in the overrides instead of building the connection one', async () => {
    server.otherwise(replyJson(200, {}));
    const connectionAuth = jest.fn(() => new StaticHeaderSource({ 'X-Auth-Token': 'own' }));
    const client = createConnectionHttpClient(
      conn(),
      { ...noWait, authenticate: new StaticHeaderSource({ 'X-Auth-Token': 'override' }) },
      connectionAuth,
    );

    await client.request({ method: 'GET', path: '/images' });

    expect(connectionAuth).not.toHaveBeenCalled();
    expect(server.requests[0].headers['x-auth-token']).toBe('override');
  });

  it('retries as often as the connection says when nothing overrides it', async () => {
    server.reply(replyJson(503, {}), replyJson(503, {}));
    const client = createConnectionHttpClient(conn(), noWait, () => new StaticHeaderSource({}));

    await expect(client.request({ method: 'GET', path: '/images' })).rejects.toThrow();
    expect(server.requests).toHaveLength(2);
  });
});
