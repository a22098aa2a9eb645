import { createHash, randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { BrokerProcess, READER_SECRET, WRITER_SECRET } from '../../harness/broker-process';
import { connectDatabase } from '../../harness/isolated-resources';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';
import { waitFor } from '../support/wait-for';

/**
 * Channels, resolve and the version lifecycle over HTTP. Families, versions,
 * placements and their images are written straight into PostgreSQL (as the
 * publishing path would leave them), so each case sets up exactly the
 * placement statuses it is about.
 */
const NHN = { provider: 'nhn-kr1', region: 'kr1' };
const VIETNIX = { provider: 'vietnix-hcm', region: 'hcm1' };
type Target = typeof NHN;

interface Problem {
  status: number;
  detail: string;
  targets?: Array<{ provider: string; region: string | null; status: string }>;
  channels?: string[];
  placementStatus?: string;
  replacement?: string | null;
  state?: string;
}
interface Resolved {
  family: string;
  channel: string | null;
  version: string;
  provider: string;
  region: string | null;
  imageId: string;
  nativeId: string;
  sha256: string;
}
interface Channel {
  channel: string;
  version: string;
  history: Array<{ from: string | null; to: string; at: string; by: string; forced: boolean }>;
}

describe('family channels, resolve and version lifecycle', () => {
  let emulators: GlanceEmulator[] = [];
  let broker: BrokerProcess;
  let db: Client;
  /** Versions are inserted with increasing creation times: "newest" follows the order of the calls. */
  let clock = Date.now() - 3_600_000;

  beforeAll(async () => {
    const pair = await startGlancePair({ nhn: 1, standard: 1 });
    emulators = [pair.nhn, pair.standard];
    broker = await BrokerProcess.start({
      label: 'fam-channels',
      providersYaml: glanceProvidersYaml(pair.nhnUrl, pair.standardUrl),
      env: { NHN_TOKEN },
    });
    db = await connectDatabase(broker.databaseUrl);
  });
  afterAll(async () => {
    await db?.end();
    await broker?.stop();
    await Promise.all(emulators.map((e) => e.close()));
  });

  async function family(name: string): Promise<string> {
    const id = randomUUID();
    await db.query(`INSERT INTO families (id, name, updated_at) VALUES ($1, $2, now())`, [id, name]);
    for (const [position, t] of [NHN, VIETNIX].entries()) {
      await db.query(
        `INSERT INTO family_targets (id, family_id, provider_name, region, position) VALUES ($1, $2, $3, $4, $5)`,
        [randomUUID(), id, t.provider, t.region, position],
      );
    }
    return id;
  }

  /** A version with a placement per target: `active` ones with their copy in the catalogue. */
  async function version(familyId: string, name: string, statuses: { nhn: string; vietnix: string }): Promise<string> {
    const id = randomUUID();
    clock += 60_000;
    await db.query(
      `INSERT INTO family_versions (id, family_id, version, sha256, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, now())`,
      [id, familyId, name, sha256Of(familyId, name), new Date(clock)],
    );
    for (const [target, status] of [
      [NHN, statuses.nhn],
      [VIETNIX, statuses.vietnix],
    ] as const) {
      let imageId: string | null = null;
      if (status === 'active') {
        imageId = randomUUID();
        await db.query(
          `INSERT INTO images (id, provider_name, provider_kind, region, native_id, name, status, content_hash, tags, gpu_models)
           VALUES ($1, $2, 'openstack-glance', $3, $4, $5, 'active', 'x', '{}', '{}')`,
          [imageId, target.provider, target.region, nativeIdOf(target, familyId, name), `${name}`],
        );
      }
      await db.query(
        `INSERT INTO placements (id, version_id, provider_name, region, status, image_id, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())`,
        [randomUUID(), id, target.provider, target.region, status, imageId],
      );
    }
    return id;
  }

  const put = (fam: string, channel: string, body: unknown, secret = WRITER_SECRET) =>
    broker.api<Channel & Problem>(`/v1/families/${fam}/channels/${channel}`, { method: 'PUT', body, secret });
  const patch = (fam: string, ver: string, body: unknown) =>
    broker.api<{ state: string; scheduled: { state: string; at: string } | null } & Problem>(
      `/v1/families/${fam}/versions/${ver}`,
      { method: 'PATCH', body, secret: WRITER_SECRET },
    );
  const resolve = (fam: string, query: string, headers: Record<string, string> = {}) =>
    broker.api<Resolved & Problem>(`/v1/families/${fam}/resolve?${query}`, { secret: READER_SECRET, headers });

  it('refuses to move a channel while a target is still placing, moves it with force, and keeps every move', async () => {
    const id = await family('tools');
    await version(id, '1.0', { nhn: 'active', vietnix: 'active' });
    await version(id, '1.1', { nhn: 'active', vietnix: 'placing' });

    expect((await put('tools', 'stable', { version: '1.0' })).status).toBe(200);
    const refused = await put('tools', 'stable', { version: '1.1' });
    expect(refused.status).toBe(409);
    expect(refused.body.targets).toEqual([{ provider: 'vietnix-hcm', region: 'hcm1', status: 'placing' }]);
    expect(refused.body.detail).toContain('vietnix-hcm/hcm1 (placing)');
    expect((await put('tools', 'stable', { version: '1.1' }, READER_SECRET)).status).toBe(403);

    const forced = await put('tools', 'stable', { version: '1.1', force: true });
    expect(forced.status).toBe(200);
    expect(forced.body.version).toBe('1.1');
    // A rollback is a move back.
    const rolledBack = await put('tools', 'stable', { version: '1.0' });
    expect(rolledBack.status).toBe(200);

    const shown = await broker.api<Channel>('/v1/families/tools/channels/stable', { secret: READER_SECRET });
    expect(shown.status).toBe(200);
    expect(shown.body.version).toBe('1.0');
    expect(shown.body.history.map((m) => [m.from, m.to, m.by, m.forced])).toEqual([
      ['1.1', '1.0', 'writer', false],
      ['1.0', '1.1', 'writer', true],
      [null, '1.0', 'writer', false],
    ]);
    const listed = await broker.api<{ items: Array<{ channel: string; version: string }> }>(
      '/v1/families/tools/channels',
      { secret: READER_SECRET },
    );
    expect(listed.body.items.map((c) => [c.channel, c.version])).toEqual([['stable', '1.0']]);
    const events = await db.query(
      `SELECT data FROM events WHERE type = 'channel.moved' AND ordering_key = 'tools' ORDER BY id`,
    );
    expect(events.rows.map((r: { data: { from: string | null; to: string } }) => [r.data.from, r.data.to])).toEqual([
      [null, '1.0'],
      ['1.0', '1.1'],
      ['1.1', '1.0'],
    ]);
  });

  it('lines up concurrent moves of one family: each kept move starts where the one before ended', async () => {
    const id = await family('racing');
    await version(id, '1', { nhn: 'active', vietnix: 'active' });
    await version(id, '2', { nhn: 'active', vietnix: 'active' });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        put('racing', i % 2 === 0 ? 'beta' : 'stable', { version: String(1 + (i % 4 < 2 ? 0 : 1)) }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    for (const channel of ['beta', 'stable']) {
      const { body } = await broker.api<Channel>(`/v1/families/racing/channels/${channel}`);
      const oldestFirst = [...body.history].reverse();
      for (let i = 1; i < oldestFirst.length; i++) expect(oldestFirst[i].from).toBe(oldestFirst[i - 1].to);
      expect(oldestFirst.at(-1)?.to).toBe(body.version);
    }
  });

  it('refuses channel names that are not slugs and the reserved name latest', async () => {
    await family('names');
    expect((await put('names', 'Not_A_Slug', { version: '1' })).status).toBe(400);
    expect((await put('names', 'x'.repeat(64), { version: '1' })).status).toBe(400);
    expect((await put('names', 'latest', { version: '1' })).status).toBe(400);
  });

  it('resolves latest and a named channel per target, and says what stands in the way', async () => {
    const id = await family('gpu-base');
    await version(id, '2026.10', { nhn: 'active', vietnix: 'active' });
    await version(id, '2026.11', { nhn: 'active', vietnix: 'placing' });
    const deprecatedId = await version(id, '2026.12', { nhn: 'active', vietnix: 'active' });
    await db.query(`UPDATE family_versions SET state = 'deprecated' WHERE id = $1`, [deprecatedId]);
    expect((await put('gpu-base', 'stable', { version: '2026.10' })).status).toBe(200);
    expect((await put('gpu-base', 'beta', { version: '2026.11', force: true })).status).toBe(200);

    const latestNhn = await resolve('gpu-base', 'provider=nhn-kr1');
    expect(latestNhn.status).toBe(200);
    expect(latestNhn.body).toEqual({
      family: 'gpu-base',
      channel: 'latest',
      version: '2026.11',
      provider: 'nhn-kr1',
      region: 'kr1',
      imageId: expect.any(String),
      nativeId: nativeIdOf(NHN, id, '2026.11'),
      sha256: sha256Of(id, '2026.11'),
    });
    // The newest there is still placing, the newest after it deprecated: latest is the one before.
    expect((await resolve('gpu-base', 'channel=latest&provider=vietnix-hcm')).body.version).toBe('2026.10');

    const stable = await resolve('gpu-base', 'channel=stable&provider=vietnix-hcm&region=hcm1');
    expect(stable.status).toBe(200);
    expect([stable.body.channel, stable.body.version, stable.body.nativeId]).toEqual([
      'stable',
      '2026.10',
      nativeIdOf(VIETNIX, id, '2026.10'),
    ]);
    expect(stable.headers.get('deprecation')).toBeNull();

    const notPlaced = await resolve('gpu-base', 'channel=beta&provider=vietnix-hcm');
    expect(notPlaced.status).toBe(404);
    expect(notPlaced.body.placementStatus).toBe('placing');
    expect(notPlaced.body.detail).toContain('placing');
    const notATarget = await resolve('gpu-base', 'channel=stable&provider=fpt-hcm');
    expect(notATarget.status).toBe(404);
    expect(notATarget.body.placementStatus).toBe('not a target');
    expect((await resolve('gpu-base', 'channel=nightly&provider=nhn-kr1')).status).toBe(404);
    expect((await resolve('gpu-base', 'channel=stable')).status).toBe(400);
    expect((await broker.api('/v1/families/gpu-base/resolve?provider=nhn-kr1', { secret: null })).status).toBe(401);
  });

  it('answers a deprecated version with Deprecation, and Sunset and a successor link once its end is scheduled', async () => {
    const id = await family('ubuntu');
    await version(id, '22.04', { nhn: 'active', vietnix: 'active' });
    await version(id, '24.04', { nhn: 'active', vietnix: 'active' });
    expect((await put('ubuntu', 'lts', { version: '22.04' })).status).toBe(200);

    const deprecated = await patch('ubuntu', '22.04', { state: 'deprecated', replacement: '24.04' });
    expect(deprecated.status).toBe(200);
    expect(deprecated.body.state).toBe('deprecated');
    const { rows } = await db.query(`SELECT state_at FROM family_versions WHERE version = '22.04' AND family_id = $1`, [
      id,
    ]);
    const stateAt = rows[0].state_at as Date;

    const answer = await resolve('ubuntu', 'channel=lts&provider=nhn-kr1');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('deprecation')).toBe(`@${Math.floor(stateAt.getTime() / 1000)}`);
    expect(answer.headers.get('sunset')).toBeNull();

    const end = new Date(Date.now() + 3_600_000);
    end.setMilliseconds(0);
    const scheduled = await patch('ubuntu', '22.04', { state: 'obsolete', stateAt: end.toISOString(), force: true });
    expect(scheduled.status).toBe(200);
    expect(scheduled.body.scheduled).toEqual({ state: 'obsolete', at: end.toISOString() });
    const ending = await resolve('ubuntu', 'channel=lts&provider=nhn-kr1');
    expect(ending.status).toBe(200);
    expect(ending.headers.get('sunset')).toBe(end.toUTCString());
    const link = ending.headers.get('link') ?? '';
    expect(link).toMatch(/rel="successor-version"/);
    const successor = await broker.api<Resolved>(/<([^>]+)>/.exec(link)![1], { secret: READER_SECRET });
    expect([successor.status, successor.body.version, successor.body.provider]).toEqual([200, '24.04', 'nhn-kr1']);
    const events = await db.query(`SELECT type FROM events WHERE ordering_key = 'ubuntu' AND type LIKE 'version.%'`);
    expect(events.rows.map((r: { type: string }) => r.type)).toEqual(['version.deprecated']);
  });

  it('refuses to revoke a version a channel points at unless the channel moves in the same request or force is set', async () => {
    const id = await family('base');
    await version(id, '1', { nhn: 'active', vietnix: 'active' });
    await version(id, '2', { nhn: 'active', vietnix: 'active' });
    await version(id, '3', { nhn: 'active', vietnix: 'active' });
    expect((await put('base', 'stable', { version: '1' })).status).toBe(200);
    expect((await put('base', 'lts', { version: '1' })).status).toBe(200);
    expect((await put('base', 'edge', { version: '2' })).status).toBe(200);

    const refused = await patch('base', '1', { state: 'revoked', replacement: '3' });
    expect(refused.status).toBe(409);
    expect(refused.body.channels).toEqual(['lts', 'stable']);
    expect((await patch('base', '1', { state: 'revoked', replacement: '1' })).status).toBe(422);
    expect((await patch('base', '1', { state: 'revoked', replacement: '9' })).status).toBe(422);
    expect((await patch('base', '1', { stateAt: new Date().toISOString() })).status).toBe(400);
    expect((await patch('base', '1', { state: 'gone' })).status).toBe(400);

    const moved = await patch('base', '1', { state: 'revoked', replacement: '3', moveChannelsTo: '3' });
    expect(moved.status).toBe(200);
    expect(moved.body.state).toBe('revoked');
    const stable = await broker.api<Channel>('/v1/families/base/channels/stable');
    expect(stable.body.history[0]).toMatchObject({ from: '1', to: '3', by: 'writer' });
    expect((await resolve('base', 'channel=lts&provider=vietnix-hcm')).body.version).toBe('3');
    // The revoked version itself answers 410, naming its replacement; a channel cannot be moved back to it.
    const gone = await resolve('base', 'version=1&provider=nhn-kr1');
    expect(gone.status).toBe(410);
    expect([gone.body.state, gone.body.replacement]).toEqual(['revoked', '3']);
    expect(gone.body.detail).toContain("'3'");
    expect((await put('base', 'stable', { version: '1', force: true })).status).toBe(409);

    // With force the channel stays, and resolving it answers 410.
    const forced = await patch('base', '2', { state: 'revoked', replacement: '3', force: true });
    expect(forced.status).toBe(200);
    const edge = await resolve('base', 'channel=edge&provider=nhn-kr1');
    expect([edge.status, edge.body.replacement]).toEqual([410, '3']);
    // Latest skips revoked versions: 3 is the only one left.
    expect((await resolve('base', 'provider=nhn-kr1')).body.version).toBe('3');
  });

  it('answers 304 to an If-None-Match that names the current answer, and a new tag once the channel moved', async () => {
    const id = await family('cached');
    await version(id, '1', { nhn: 'active', vietnix: 'active' });
    await version(id, '2', { nhn: 'active', vietnix: 'active' });
    expect((await put('cached', 'stable', { version: '1' })).status).toBe(200);
    const first = await resolve('cached', 'channel=stable&provider=nhn-kr1');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"/);
    const again = await resolve('cached', 'channel=stable&provider=nhn-kr1', { 'if-none-match': etag });
    expect(again.status).toBe(304);

    expect((await put('cached', 'stable', { version: '2' })).status).toBe(200);
    const moved = await resolve('cached', 'channel=stable&provider=nhn-kr1', { 'if-none-match': etag });
    expect(moved.status).toBe(200);
    expect(moved.body.version).toBe('2');
    expect(moved.headers.get('etag')).not.toBe(etag);
  });

  it('carries out a scheduled revocation on time', async () => {
    const id = await family('timed');
    await version(id, '1', { nhn: 'active', vietnix: 'active' });
    await version(id, '2', { nhn: 'active', vietnix: 'active' });
    expect((await put('timed', 'stable', { version: '1' })).status).toBe(200);
    const at = new Date(Date.now() + 4_000);

    const scheduled = await patch('timed', '1', {
      state: 'revoked',
      stateAt: at.toISOString(),
      replacement: '2',
      moveChannelsTo: '2',
    });
    expect(scheduled.status).toBe(200);
    expect(scheduled.body.state).toBe('active');
    expect(scheduled.body.scheduled).toEqual({ state: 'revoked', at: at.toISOString() });
    // The channel moved at once; the version still resolves, with its Sunset, until the time comes.
    expect((await resolve('timed', 'channel=stable&provider=nhn-kr1')).body.version).toBe('2');
    // No channel is moved onto it meanwhile unless forced.
    expect((await put('timed', 'beta', { version: '1' })).status).toBe(409);
    const before = await resolve('timed', 'version=1&provider=nhn-kr1');
    expect(before.status).toBe(200);
    expect(before.headers.get('sunset')).toBe(at.toUTCString());

    let seenGoneAt = 0;
    await waitFor(
      async () => {
        const answer = await resolve('timed', 'version=1&provider=nhn-kr1');
        if (answer.status !== 410) return false;
        seenGoneAt = Date.now();
        return true;
      },
      30_000,
      100,
    );
    expect(seenGoneAt).toBeGreaterThanOrEqual(at.getTime());
    expect(seenGoneAt - at.getTime()).toBeLessThan(5_000);
    const { rows } = await db.query(
      `SELECT state, state_at, scheduled_state FROM family_versions WHERE family_id = $1 AND version = '1'`,
      [id],
    );
    expect(rows[0].state).toBe('revoked');
    expect(rows[0].scheduled_state).toBeNull();
    expect((rows[0].state_at as Date).getTime()).toBeGreaterThanOrEqual(at.getTime());
    const events = await db.query(`SELECT data FROM events WHERE type = 'version.revoked' AND ordering_key = 'timed'`);
    expect(events.rows).toHaveLength(1);
    expect(events.rows[0].data).toMatchObject({ version: '1', replacement: '2', by: null });
  });

  it('carries out a change past due whose timer was lost when a worker starts', async () => {
    const id = await family('swept');
    await version(id, '1', { nhn: 'active', vietnix: 'active' });
    // As a PATCH leaves it, without the delayed job (a Redis that lost its data).
    await db.query(
      `UPDATE family_versions SET scheduled_state = 'obsolete', scheduled_at = now() - interval '1 minute'
       WHERE family_id = $1 AND version = '1'`,
      [id],
    );
    const worker = await BrokerProcess.start({ label: 'fam-sweep', role: 'worker', shareWith: broker });
    try {
      await waitFor(async () => (await resolve('swept', 'version=1&provider=nhn-kr1')).status === 410, 15_000, 100);
    } finally {
      await worker.stop();
    }
    const events = await db.query(`SELECT type FROM events WHERE ordering_key = 'swept'`);
    expect(events.rows.map((r: { type: string }) => r.type)).toEqual(['version.obsoleted']);
  });
});

function sha256Of(familyId: string, version: string): string {
  return createHash('sha256').update(`${familyId}/${version}`).digest('hex');
}

function nativeIdOf(target: Target, familyId: string, version: string): string {
  return `native-${target.provider}-${familyId.slice(0, 8)}-${version}`;
}
