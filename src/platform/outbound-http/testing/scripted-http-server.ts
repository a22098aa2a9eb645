import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 for tests of provider clients: each incoming
 * request takes the next scripted reply (or the fallback), and every request is
 * recorded, so a test can say "503, then 503, then 200" and check what was sent.
 */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type ScriptedReply = (req: IncomingMessage, res: ServerResponse, request: RecordedRequest) => void;

export class ScriptedHttpServer {
  readonly requests: RecordedRequest[] = [];
  private queue: ScriptedReply[] = [];
  private fallback: ScriptedReply = replyJson(500, { message: 'no scripted reply left' });

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ScriptedHttpServer> {
    const server = createServer();
    const scripted = new ScriptedHttpServer(server);
    server.on('request', (req, res) => scripted.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return scripted;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Replies for the next requests, in order. */
  reply(...steps: ScriptedReply[]): void {
    this.queue.push(...steps);
  }

  /** The reply once the queue is empty. */
  otherwise(step: ScriptedReply): void {
    this.fallback = step;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue = [];
    this.fallback = replyJson(500, { message: 'no scripted reply left' });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(request);
      (this.queue.shift() ?? this.fallback)(req, res, request);
    });
  }
}

export function replyJson(status: number, body: unknown, headers: Record<string, string> = {}): ScriptedReply {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

export function replyText(status: number, text: string, headers: Record<string, string> = {}): ScriptedReply {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(text);
  };
}

/** Closes the connection without an answer, as a crashing load balancer would. */
export function dropConnection(): ScriptedReply {
  return (req) => req.socket.destroy();
}

/** Never answers; the client's timeout must fire. */
export function neverAnswer(): ScriptedReply {
  return () => undefined;
}
