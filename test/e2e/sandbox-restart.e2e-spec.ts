import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../harness/free-port';
import { deleteRedisPrefix, dropDatabase, isolatedNames, REDIS_URL } from '../../harness/isolated-resources';
import { nodeRuntimeEnv } from '../../harness/node-runtime-env';

const REPO_ROOT = resolve(__dirname, '..', '..');
const ADMIN_KEY = 'sandbox-admin-secret-0123456789';

/** `npm run dev` (its built entry point) as a child process on its own database, Redis prefix and folder. */
class SandboxProcess {
  output = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [resolve(REPO_ROOT, 'dist-tools/sandbox/dev.js')], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((res) => this.child.once('exit', (code) => res(code)));
  }

  /** Resolves with the URL the sandbox prints once it is up; rejects if it exits first. */
  async up(timeoutMs = 180_000): Promise<string> {
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const printed = /image-broker sandbox is up\s+API\s+(http:\/\/\S+)\/v1\/images/.exec(this.output);
      if (printed) return printed[1];
      if (exitCode !== undefined) throw new Error(`the sandbox exited with ${exitCode}:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the sandbox was not up after ${timeoutMs} ms:\n${this.output}`);
  }

  /** SIGTERM to this process by its pid, SIGKILL if it lingers; resolves with its exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    process.kill(this.child.pid!, 'SIGTERM');
    const timer = setTimeout(() => this.child.exitCode === null && process.kill(this.child.pid!, 'SIGKILL'), 20_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

describe('npm run dev, started again on the same database', () => {
  const names = isolatedNames('sandbox');
  const dir = mkdtempSync(join(tmpdir(), 'ib-sandbox-'));
  let running: SandboxProcess | undefined;

  async function startSandbox(): Promise<{ sandbox: SandboxProcess; url: string }> {
    const sandbox = new SandboxProcess({
      ...nodeRuntimeEnv(REPO_ROOT),
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_URL: names.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: names.redisPrefix,
      SANDBOX_DIR: dir,
      SANDBOX_ADMIN_KEY: ADMIN_KEY,
      SYNC_INTERVAL_SECONDS: '0',
      RATE_LIMIT_REQUESTS: '0',
      LOG_LEVEL: 'warn',
    });
    running = sandbox;
    return { sandbox, url: await sandbox.up() };
  }

  afterAll(async () => {
    await running?.stop();
    await dropDatabase(names.database).catch(() => undefined);
    await deleteRedisPrefix(names.redisPrefix).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The example family as resolve answers it: channel → version on each of its three targets. */
  async function resolvedFamily(url: string, headers: Record<string, string>): Promise<Record<string, string>> {
    const answers: Record<string, string> = {};
    for (const channel of ['stable', 'beta']) {
      for (const provider of ['vietnix-hcm', 'nhn-kr1', 'fpt-hcm']) {
        const res = await fetch(`${url}/v1/families/gpu-base/resolve?channel=${channel}&provider=${provider}`, {
          headers,
        });
        const body = (await res.json()) as { version: string; nativeId: string };
        expect({ status: res.status, nativeId: typeof body.nativeId }).toEqual({ status: 200, nativeId: 'string' });
        answers[`${channel}@${provider}`] = body.version;
      }
    }
    return answers;
  }

  it('comes up both times after a connection was added at run time, keeping its generated key private, with the example family seeded and rebuilt after its copies vanished', async () => {
    const headers = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
    const first = await startSandbox();
    // The example family: placed on three emulated clouds, stable and beta, and one resolve command printed.
    expect(first.sandbox.output).toContain(`${first.url}/v1/families/gpu-base/resolve?channel=stable&provider=fpt-hcm`);
    const seeded = await resolvedFamily(first.url, headers);
    expect(new Set(Object.entries(seeded).map(([k, v]) => `${k.split('@')[0]}=${v}`))).toEqual(
      new Set(['stable=2026.11', 'beta=2026.12']),
    );
    const created = await fetch(`${first.url}/v1/providers`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'added-at-run-time',
        kind: 'genesis-cloud',
        endpoint: 'http://127.0.0.1:9',
        auth: { type: 'bearer', token: 'a-token-sealed-with-the-sandbox-key' },
      }),
    });
    expect(created.status).toBe(201);
    expect(await first.sandbox.stop()).toBe(0);
    expect(statSync(join(dir, 'secrets.key')).mode & 0o777).toBe(0o600);

    const second = await startSandbox();
    const listed = (await (await fetch(`${second.url}/v1/providers`, { headers })).json()) as {
      items: Array<{ name: string; health: string; lastError: string | null }>;
    };
    expect(listed.items.find((p) => p.name === 'added-at-run-time')).toMatchObject({
      health: 'unknown',
      lastError: null,
    });
    // The emulators start empty again: the family whose copies all vanished is built again, the same two versions.
    expect(await resolvedFamily(second.url, headers)).toEqual(seeded);
    const versions = (await (await fetch(`${second.url}/v1/families/gpu-base/versions`, { headers })).json()) as {
      items: unknown[];
    };
    expect(versions.items).toHaveLength(2);
    expect(await second.sandbox.stop()).toBe(0);
  });
});
