import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderHttpClient } from './provider-http-client';

describe('streaming a provider answer', () => {
  let server: Server;
  let url: string;
  let calls = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      calls += 1;
      if (req.url === '/flaky' && calls === 1) {
        res.writeHead(503, { 'retry-after': '0' }).end('busy');
        return;
      }
      // Headers at once, then the body slowly: longer than the client's timeout in all.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '6' });
      res.write('abc');
      setTimeout(() => res.end('def'), 400);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function read(body: NodeJS.ReadableStream): Promise<string> {
    let text = '';
    for await (const chunk of body) text += String(chunk);
    return text;
  }

  it('hands over the body unread, and lets it take longer than the timeout once headers arrived', async () => {
    const client = new ProviderHttpClient({ provider: 'p', baseUrl: url, timeoutMs: 200 });
    const res = await client.openStream({ method: 'GET', path: '/file' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('6');
    expect(await read(res.body)).toBe('abcdef');
  });

  it('retries a 503 before the headers of a stream', async () => {
    calls = 0;
    const client = new ProviderHttpClient({ provider: 'p', baseUrl: url, sleep: async () => undefined });
    const res = await client.openStream({ method: 'GET', path: '/flaky' });
    expect(await read(res.body)).toBe('abcdef');
    expect(calls).toBe(2);
  });

  it('times out a whole attempt unless the request lifts the timeout', async () => {
    const client = new ProviderHttpClient({ provider: 'p', baseUrl: url, timeoutMs: 200, maxRetries: 0 });
    await expect(client.request({ method: 'GET', path: '/file' })).rejects.toThrow(/timed out after 200 ms/);
    const lifted = await client.request({ method: 'GET', path: '/file', timeoutMs: null });
    expect(lifted.text).toBe('abcdef');
  });
});
