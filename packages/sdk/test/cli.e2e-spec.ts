import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READER_SECRET, WRITER_SECRET, type BrokerProcess } from '../../../harness/broker-process';
import { writeTestFile } from '../../../bench/test-file';
import type { CountingProxy } from '../../../test/support/counting-proxy';
import { waitFor } from '../../../test/support/wait-for';
import type { Command } from 'commander';
import { program } from '../src/cli/main';
import { startBrokerWithEmulators, type BrokerWithEmulators } from './broker-with-emulators';
import { runCli, runCliInTerminal, startCli } from './cli-harness';

const MiB = 1024 * 1024;

describe('the image-broker CLI, run as a user runs it', () => {
  let rig: BrokerWithEmulators;
  let proxy: CountingProxy;
  let broker: BrokerProcess;
  let dir: string;
  let file: string;
  let fileSha256: string;
  let env: Record<string, string>;
  let gone: Server;
  let goneUrl: string;

  async function register(name: string): Promise<string> {
    const run = await runCli(
      [
        'images',
        'register',
        '--provider',
        'vietnix-hcm',
        '--name',
        name,
        '--disk-format',
        'raw',
        '--container-format',
        'bare',
        '--os-type',
        'linux',
        '--json',
      ],
      env,
    );
    expect(run.code).toBe(0);
    return (JSON.parse(run.stdout) as { id: string }).id;
  }

  beforeAll(async () => {
    // An import source that answers 404 to everything: its import job fails for good.
    gone = createServer((_req, res) => res.writeHead(404).end('no such image'));
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    goneUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/image.raw`;
    // Every part the CLI PUTs to a presigned URL passes the rig's proxy: the test sees which parts were sent, and how often.
    rig = await startBrokerWithEmulators('cli', { IMPORT_ALLOWED_ADDRESSES: new URL(goneUrl).host });
    ({ broker, parts: proxy } = rig);
    dir = mkdtempSync(join(tmpdir(), 'image-broker-cli-'));
    file = join(dir, 'gpu-base.raw');
    fileSha256 = await writeTestFile(file, 200 * MiB);
    env = {
      IMAGE_BROKER_URL: broker.url,
      IMAGE_BROKER_TOKEN: WRITER_SECRET,
      IMAGE_BROKER_CONFIG_DIR: join(dir, 'config'),
    };
  });
  afterAll(async () => {
    await rig?.stop();
    await new Promise((resolve) => gone?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uploads 200 MiB in a terminal with a progress bar showing bytes, rate and ETA, then follows the push', async () => {
    const imageId = await register('cli-terminal');
    const run = await runCliInTerminal(['images', 'upload', file, '--image', imageId], env);
    expect(run.code).toBe(0);
    const transcript = run.stdout;
    expect(transcript).toMatch(/upload .*\d+% \| [\d.]+ [KMG]i?B\/200\.0 MiB \| [\d.]+ (B|KiB|MiB|GiB)\/s \| ETA/);
    expect(transcript).toMatch(/100% \| 200\.0 MiB\/200\.0 MiB/);
    expect(transcript).toContain(`sha256 ${fileSha256}`);
    const image = await broker.api<{ status: string; checksums: { sha256: string } }>(`/v1/images/${imageId}`);
    expect(image.body).toMatchObject({ status: 'active', checksums: { sha256: fileSha256 } });
  });

  it('registers and uploads in one command, printing no bar and no colour when stdout is not a terminal, and --json output parses', async () => {
    const run = await runCli(
      [
        'images',
        'upload',
        file,
        '--provider',
        'vietnix-hcm',
        '--name',
        'cli-pipe',
        '--disk-format',
        'raw',
        '--container-format',
        'bare',
        '--json',
      ],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('%');
    expect(run.stderr).not.toContain(String.fromCharCode(27));
    const result = JSON.parse(run.stdout) as {
      imageId: string;
      method: string;
      sha256: string;
      sizeBytes: number;
      job: { state: string };
    };
    expect(result).toMatchObject({
      method: 'session',
      sha256: fileSha256,
      sizeBytes: 200 * MiB,
      job: { state: 'succeeded' },
    });
    const image = await broker.api<{ name: string; status: string; sizeBytes: number }>(`/v1/images/${result.imageId}`);
    expect(image.body).toMatchObject({ name: 'cli-pipe', status: 'active', sizeBytes: 200 * MiB });
  });

  it('finishes an upload with --resume after the CLI was killed mid-upload, without re-sending a staged part', async () => {
    const imageId = await register('cli-killed');
    const before = new Map(proxy.partPuts);
    const sent = (): number => [...proxy.partPuts].reduce((n, [part, count]) => n + count - (before.get(part) ?? 0), 0);
    const child = startCli(['images', 'upload', file, '--image', imageId, '--concurrency', '2', '--json'], env);
    await waitFor(async () => sent() >= 8, 60_000, 10);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));

    const open = await broker.api<{ items: Array<{ uploadId: string }> }>(`/v1/images/${imageId}/upload-sessions`, {
      secret: WRITER_SECRET,
    });
    expect(open.body.items).toHaveLength(1);
    // A part whose last bytes were in flight when the CLI died may still land: read until the store is settled.
    const stagedNow = async (): Promise<{ staged: number[]; missing: number }> => {
      const answer = await broker.api<{ stagedParts: Array<{ partNumber: number }>; parts: unknown[] }>(
        `/v1/images/${imageId}/upload-sessions/${open.body.items[0].uploadId}`,
        { secret: WRITER_SECRET },
      );
      return { staged: answer.body.stagedParts.map((p) => p.partNumber), missing: answer.body.parts.length };
    };
    let settled = await stagedNow();
    for (let previous = ''; previous !== settled.staged.join();) {
      previous = settled.staged.join();
      await new Promise((r) => setTimeout(r, 500));
      settled = await stagedNow();
    }
    const staged = settled.staged;
    expect(staged.length).toBeGreaterThan(0);
    expect(settled.missing).toBeGreaterThan(0);
    const putsOfStaged = new Map(staged.map((n) => [n, proxy.partPuts.get(n)!]));

    const run = await runCli(['images', 'upload', file, '--image', imageId, '--resume', '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      partsSkipped: number;
      partsSent: number;
      sha256: string;
      job: { state: string };
    };
    expect(result).toMatchObject({ partsSkipped: staged.length, sha256: fileSha256, job: { state: 'succeeded' } });
    expect(result.partsSkipped + result.partsSent).toBe(25);
    for (const [part, puts] of putsOfStaged) expect(proxy.partPuts.get(part)).toBe(puts);
    const image = await broker.api<{ status: string; checksums: { sha256: string } }>(`/v1/images/${imageId}`);
    expect(image.body).toMatchObject({ status: 'active', checksums: { sha256: fileSha256 } });
  });

  it('replicates with --wait, one bar per target in a terminal, and answers what each target became', async () => {
    const imageId = await register('cli-replicate');
    expect((await runCli(['images', 'upload', file, '--image', imageId, '-q'], env)).code).toBe(0);
    const run = await runCliInTerminal(['replicate', imageId, '--to', 'nhn-kr1', '--wait'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/nhn-kr1:kr1 .*100% \| succeeded/);
    const listed = await runCli(['images', 'ls', '--provider', 'nhn-kr1', '--status', 'active', '--json'], env);
    expect((JSON.parse(listed.stdout) as { items: Array<{ name: string }> }).items.map((i) => i.name)).toContain(
      'cli-replicate',
    );
  });

  it('downloads with progress and resumes a partial file with a Range request', async () => {
    const imageId = await register('cli-download');
    expect((await runCli(['images', 'upload', file, '--image', imageId, '--method', 'file', '-q'], env)).code).toBe(0);
    const out = join(dir, 'downloaded.raw');
    const whole = await runCli(['images', 'download', imageId, '-o', out, '--json'], env);
    expect(whole.code).toBe(0);
    expect(statSync(out).size).toBe(200 * MiB);
    truncateSync(out, 77 * MiB + 5);
    const resumed = await runCli(['images', 'download', imageId, '-o', out, '--resume', '--json'], env);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ resumedFrom: 77 * MiB + 5, bytes: 200 * MiB });
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(fileSha256);
  });

  it('answers with meaningful exit codes: 1 for a failed job, 2 for usage, 3 for auth, 4 for not found', async () => {
    const imageId = await register('cli-import-gone');
    const started = await broker.api<{ id: string }>(`/v1/images/${imageId}/import`, {
      method: 'POST',
      body: { url: goneUrl },
      secret: WRITER_SECRET,
    });
    expect(started.status).toBe(202);
    const watched = await runCli(['jobs', 'watch', started.body.id], env);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toContain('failed');
    expect((await runCli(['images', 'ls', '--no-such-flag'], env)).code).toBe(2);
    expect((await runCli(['images', 'upload', file], env)).code).toBe(2);
    expect((await runCli(['providers', 'ls'], { ...env, IMAGE_BROKER_TOKEN: 'wrong-key-0123456789abcdef' })).code).toBe(
      3,
    );
    const missing = await runCli(['images', 'show', '00000000-0000-4000-8000-000000000000', '--json'], env);
    expect(missing.code).toBe(4);
    expect(JSON.parse(missing.stderr)).toMatchObject({ error: { status: 404 } });
    expect((await runCli(['--help'], env)).code).toBe(0);
  });

  it('answers --help with examples on every command', async () => {
    const paths: string[][] = [];
    const walk = (command: Command, path: string[]): void => {
      paths.push(path);
      for (const sub of command.commands) walk(sub, [...path, sub.name()]);
    };
    walk(program(), []);
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      const help = await runCli([...path, '--help'], env);
      expect({ path, code: help.code }).toEqual({ path, code: 0 });
      expect({ path, example: /Examples?:\n {2}image-broker /.test(help.stdout) }).toEqual({ path, example: true });
    }
  });

  it('logs in once and uses the stored URL and key, read by the key it was given', async () => {
    const config = join(dir, 'login');
    const login = await runCli(['login', '--url', broker.url, '--token', READER_SECRET], {
      IMAGE_BROKER_CONFIG_DIR: config,
    });
    expect(login.code).toBe(0);
    expect(statSync(join(config, 'config.json')).mode & 0o777).toBe(0o600);
    const providers = await runCli(['providers', 'ls', '--json'], { IMAGE_BROKER_CONFIG_DIR: config });
    expect(providers.code).toBe(0);
    expect(
      (JSON.parse(providers.stdout) as { items: Array<{ name: string }> }).items.map((p) => p.name).sort(),
    ).toEqual(['nhn-kr1', 'vietnix-hcm']);
  });
});
