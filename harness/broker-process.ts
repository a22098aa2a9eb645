import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { freePort } from './free-port';
import { nodeRuntimeEnv } from './node-runtime-env';
import { deleteRedisPrefix, dropDatabase, isolatedNames, REDIS_URL } from './isolated-resources';

/** The checkout, whether this file runs from harness/ (Jest) or dist-tools/harness/ (benchmarks). */
const REPO_ROOT = resolve(__dirname, '..', basename(resolve(__dirname, '..')) === 'dist-tools' ? '..' : '.');

export const ADMIN_SECRET = 'admin-secret-0123456789abcdef';
export const READER_SECRET = 'reader-secret-0123456789abcdef';
export const WRITER_SECRET = 'writer-secret-0123456789abcdef';

export interface BrokerOptions {
  label: string;
  providersYaml?: string;
  env?: Record<string, string>;
  role?: 'api' | 'worker' | 'all';
  /** Another replica of the same deployment: its database and Redis prefix, which it keeps owning. */
  shareWith?: BrokerProcess;
  /**
   * The script to run instead of the broker's own entry (dist/src/main.js), relative to the
   * checkout: another entry over the same built tree, such as one that registers an extra
   * provider kind, or dist/src/migrate.js.
   */
  entry?: string;
}

const BROKER_ENTRY = 'dist/src/main.js';

/**
 * The built broker (dist/src/main.js, the production tree, or another entry) as a real child process on its own
 * database and Redis prefix, the way it runs in production.
 */
export class BrokerProcess {
  output = '';
  /** Set when the test stops or signals the process itself. */
  private signalled = false;
  /** Set once the process answered ready; a start-up failure is reported by start() itself. */
  private ready = false;
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  private constructor(
    private listenPort: number,
    readonly database: string,
    readonly databaseUrl: string,
    readonly redisPrefix: string,
    readonly env: Record<string, string>,
    private readonly ownsResources: boolean,
    private readonly entry: string,
  ) {}

  get port(): number {
    return this.listenPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.listenPort}`;
  }

  static async start(options: BrokerOptions): Promise<BrokerProcess> {
    const broker = await BrokerProcess.prepare(options);
    // A port found free can be taken by another test's server before the broker binds it:
    // then this broker fails with EADDRINUSE and starts again on another port.
    for (let tries = 1; ; tries++) {
      broker.launch();
      try {
        await broker.waitUntilReady();
        return broker;
      } catch (error) {
        if (tries >= 3 || !/EADDRINUSE/.test(broker.output)) throw error;
        broker.listenPort = await freePort();
        broker.env.PORT = String(broker.listenPort);
        broker.output = '';
      }
    }
  }

  /** Everything but the launch: for tests that expect the start to fail. */
  static async prepare(options: BrokerOptions): Promise<BrokerProcess> {
    const names = options.shareWith
      ? {
          database: options.shareWith.database,
          databaseUrl: options.shareWith.databaseUrl,
          redisPrefix: options.shareWith.redisPrefix,
        }
      : isolatedNames(options.label);
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'ib-test-'));
    const env: Record<string, string> = {
      ...nodeRuntimeEnv(REPO_ROOT),
      ROLE: options.role ?? 'all',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: names.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: names.redisPrefix,
      API_KEYS: [
        `admin:${ADMIN_SECRET}:admin`,
        `reader:${READER_SECRET}:images:read`,
        `writer:${WRITER_SECRET}:images:read+images:write+jobs:write`,
      ].join(','),
      SYNC_INTERVAL_SECONDS: '0',
      SHUTDOWN_TIMEOUT_MS: '10000',
      // Tests poll and page far faster than any person; the rate-limit tests turn it on themselves.
      RATE_LIMIT_REQUESTS: '0',
      ...(options.shareWith ? withoutListener(options.shareWith.env) : {}),
      ...options.env,
    };
    if (options.providersYaml !== undefined) {
      const file = join(dir, 'providers.yaml');
      writeFileSync(file, options.providersYaml);
      env.PROVIDERS_FILE = file;
    }
    return new BrokerProcess(
      port,
      names.database,
      names.databaseUrl,
      names.redisPrefix,
      env,
      !options.shareWith,
      options.entry ?? BROKER_ENTRY,
    );
  }

  launch(): void {
    this.signalled = false;
    this.ready = false;
    const main = resolve(REPO_ROOT, this.entry);
    const child = spawn(
      process.execPath,
      [
        ...(process.env.BROKER_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BROKER_CPU_PROF_DIR}`] : []),
        main,
      ],
      {
        env: { PATH: process.env.PATH ?? '', ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((res) => child.once('exit', (code) => res(code)));
    child.once('exit', (code, signal) => {
      // A broker that dies on its own mid-test would otherwise take its last words with it.
      if (this.signalled || !this.ready) return;
      process.stderr.write(
        `broker on port ${this.port} exited unexpectedly (code ${code}, signal ${signal}); its last output:\n${this.output.slice(-6000)}\n`,
      );
    });
    this.child = child;
  }

  /** Resolves with the exit code once the process ends. */
  waitForExit(timeoutMs = 30_000): Promise<number | null> {
    return Promise.race([
      this.exited ?? Promise.resolve(null),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`broker did not exit:\n${this.output}`)), timeoutMs).unref(),
      ),
    ]);
  }

  async waitUntilReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited?.then((c) => (exitCode = c));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`broker exited with ${exitCode}:\n${this.output}`);
      try {
        const res = await fetch(`${this.url}/health/ready`);
        // Ready only once this process said it listens there: the port may be another server's.
        // (A quieter LOG_LEVEL hides that line; then the answer alone has to do.)
        const quiet = ['warn', 'error', 'fatal', 'silent'].includes(this.env.LOG_LEVEL ?? 'info');
        if (res.ok && (quiet || this.output.includes(`listening on ${this.url}`))) {
          this.ready = true;
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`broker not ready after ${timeoutMs} ms:\n${this.output}`);
  }

  /** The process id, for measurements (e.g. its resident memory). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  signal(signal: NodeJS.Signals): void {
    this.signalled = true;
    this.child?.kill(signal);
  }

  /** Stops the process (SIGTERM, then SIGKILL) and removes its database and Redis keys. */
  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.signalled = true;
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), 15_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (!this.ownsResources) return;
    await dropDatabase(this.database).catch(() => undefined);
    await deleteRedisPrefix(this.redisPrefix).catch(() => undefined);
  }

  async api<T = unknown>(
    path: string,
    init: { method?: string; body?: unknown; secret?: string | null; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; headers: Headers; body: T }> {
    const headers: Record<string, string> = { ...init.headers };
    const secret = init.secret === undefined ? ADMIN_SECRET : init.secret;
    if (secret) headers.authorization = `Bearer ${secret}`;
    if (init.body !== undefined) headers['content-type'] = headers['content-type'] ?? 'application/json';
    const res = await fetch(`${this.url}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, headers: res.headers, body: body as T };
  }

  /**
   * PUT /v1/images/{id}/file with a streamed body, the way a client uploads an
   * image (the body is never held whole); the answer's JSON body, if any.
   */
  async putImageFile<T = { id: string }>(
    imageId: string,
    body: AsyncIterable<Uint8Array>,
    options: { secret?: string; contentType?: string } = {},
  ): Promise<{ status: number; headers: Headers; body: T }> {
    const res = await fetch(`${this.url}/v1/images/${imageId}/file`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${options.secret ?? WRITER_SECRET}`,
        'content-type': options.contentType ?? 'application/octet-stream',
      },
      body: body as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Polls a job until it ends. */
  async waitForJob(
    id: string,
    timeoutMs = 60_000,
  ): Promise<{
    state: string;
    error: { code: string; message: string } | null;
    result: Record<string, unknown> | null;
    attempts: number;
  }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await this.api<{
        state: string;
        error: { code: string; message: string } | null;
        result: Record<string, unknown> | null;
        attempts: number;
      }>(`/v1/jobs/${id}`);
      if (['succeeded', 'failed', 'cancelled'].includes(body.state)) return body;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${body.state} after ${timeoutMs} ms\n${this.output}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

/** Another replica's environment, less what is its own (port, role). */
function withoutListener(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !['PORT', 'ROLE', 'HOST'].includes(k)));
}
