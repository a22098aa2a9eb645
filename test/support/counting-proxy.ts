import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy on 127.0.0.1 that counts the requests it forwards,
 * so a test can see which multipart parts a client PUT, and how often, and
 * which multipart uploads were aborted.
 */
export class CountingProxy {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    /** PUTs per part number. */
    readonly partPuts: Map<number, number>,
    /** Upload ids of AbortMultipartUpload requests (`DELETE …?uploadId=`), in order. */
    readonly aborts: string[],
    private readonly agent: Agent,
  ) {}

  static async start(target: string): Promise<CountingProxy> {
    const upstream = new URL(target);
    const counts = new Map<number, number>();
    const aborts: string[] = [];
    // Its own agent, so close() can end the upstream sockets too (else the upstream's close() waits on them).
    const agent = new Agent({ keepAlive: true });
    const server = createServer((req, res) => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const partNumber = query.get('partNumber');
      if (req.method === 'PUT' && partNumber) {
        const n = Number(partNumber);
        counts.set(n, (counts.get(n) ?? 0) + 1);
      }
      const uploadId = query.get('uploadId');
      if (req.method === 'DELETE' && uploadId) aborts.push(uploadId);
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      // A client that goes away mid-request (a killed worker) must not leave the upstream waiting for the rest.
      req.on('close', () => {
        if (!req.complete) forward.destroy();
      });
      res.on('close', () => {
        if (!res.writableFinished) forward.destroy();
      });
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new CountingProxy(server, url, counts, aborts, agent);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    this.agent.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
