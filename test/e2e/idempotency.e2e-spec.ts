import type { Client } from 'pg';
import { BrokerProcess, WRITER_SECRET } from '../../harness/broker-process';
import { connectDatabase } from '../../harness/isolated-resources';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair } from '../support/glance-fixtures';
import { waitFor } from '../support/wait-for';

interface Image {
  id: string;
  name: string;
}

describe('Idempotency-Key records that outlive a crash', () => {
  let s3: EmbeddedS3;
  let glance: Awaited<ReturnType<typeof startGlancePair>>;
  let broker: BrokerProcess;
  let db: Client;

  const imageBody = (name: string) =>
    `{"provider":"nhn-kr1","name":"${name}","diskFormat":"qcow2","containerFormat":"bare","os":{"type":"linux","distro":"ubuntu","version":"22.04"}}`;

  function register(body: string, key: string) {
    return broker.api<Image>('/v1/images', {
      method: 'POST',
      body,
      secret: WRITER_SECRET,
      headers: { 'idempotency-key': key },
    });
  }

  /** A record as a broker would have left it, written straight into PostgreSQL. */
  async function writeRecord(key: string, fields: { status: number; createdAgo: string; leaseAgo?: string }) {
    await db.query(
      `INSERT INTO idempotency_records (key_id, key, route, request_hash, status, body, created_at, lease_expires_at)
       VALUES ('writer', $1, 'POST /v1/images', 'a-hash-of-another-body', $2, '{"body":{"id":"stale"},"location":null}',
               now() - $3::interval, CASE WHEN $4::text IS NULL THEN NULL ELSE now() - $4::interval END)`,
      [key, fields.status, fields.createdAgo, fields.leaseAgo ?? null],
    );
  }

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    glance = await startGlancePair({ nhn: 2, standard: 2 });
    broker = await BrokerProcess.start({
      label: 'idempotency',
      role: 'api',
      providersYaml: glanceProvidersYaml(glance.nhnUrl, glance.standardUrl),
      env: { NHN_TOKEN, ...s3.env, IDEMPOTENCY_TTL_HOURS: '24' },
    });
    db = await connectDatabase(broker.databaseUrl);
  });
  afterAll(async () => {
    await db?.end();
    await broker?.stop();
    await Promise.all([glance?.nhn.close(), glance?.standard.close()]);
    await s3?.close();
  });

  it('replays a retry whose body has its keys in another order', async () => {
    const first = await register(imageBody('canonical'), 'key-order');
    expect(first.status).toBe(201);
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(imageBody('canonical'))).reverse()));
    expect(reordered).not.toBe(imageBody('canonical'));
    const again = await register(reordered, 'key-order');
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  it('treats a key older than IDEMPOTENCY_TTL_HOURS as new', async () => {
    await writeRecord('expired-key', { status: 201, createdAgo: '25 hours' });
    const res = await register(imageBody('after-expiry'), 'expired-key');
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(res.body).toMatchObject({ name: 'after-expiry' });
  });

  it('purges expired records as new keys arrive', async () => {
    for (let i = 0; i < 5; i++) await writeRecord(`old-${i}`, { status: 201, createdAgo: `${30 + i} hours` });
    expect((await register(imageBody('purger'), 'fresh-key')).status).toBe(201);
    await waitFor(async () => {
      const { rows } = await db.query("SELECT count(*)::int AS n FROM idempotency_records WHERE key LIKE 'old-%'");
      return rows[0].n === 0;
    });
  });

  it('lets a later request take over a key whose first request died, once its lease lapsed', async () => {
    // Still leased (its request may be running): not taken over, still its first request's (another body).
    await writeRecord('live-lease', { status: 0, createdAgo: '5 seconds', leaseAgo: '-25 seconds' });
    expect((await register(imageBody('waits'), 'live-lease')).status).toBe(422);
    // Its process died: nobody renewed the lease.
    await writeRecord('dead-lease', { status: 0, createdAgo: '2 minutes', leaseAgo: '90 seconds' });
    const res = await register(imageBody('took-over'), 'dead-lease');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'took-over' });
    expect((await register(imageBody('took-over'), 'dead-lease')).headers.get('idempotent-replayed')).toBe('true');
  });

  it('never stores presigned URLs, and signs them afresh when an upload session is replayed', async () => {
    const image = await register(imageBody('direct-upload'), 'session-image');
    const open = () =>
      broker.api<{ uploadId: string; parts: Array<{ partNumber: number; url: string; sizeBytes: number }> }>(
        `/v1/images/${image.body.id}/upload-sessions`,
        {
          method: 'POST',
          body: { sizeBytes: 6 * 1024 * 1024, partSizeBytes: 5 * 1024 * 1024 },
          secret: WRITER_SECRET,
          headers: { 'idempotency-key': 'session-key' },
        },
      );
    const first = await open();
    expect(first.status).toBe(201);
    const { rows } = await db.query("SELECT body::text AS body FROM idempotency_records WHERE key = 'session-key'");
    expect(rows[0].body).toContain(first.body.uploadId);
    expect(rows[0].body).not.toMatch(/X-Amz-Signature|https?:\/\//i);

    const replayed = await open();
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body.uploadId).toBe(first.body.uploadId);
    expect(replayed.body.parts.map((p) => p.sizeBytes)).toEqual([5 * 1024 * 1024, 1024 * 1024]);
    const put = await fetch(replayed.body.parts[1].url, { method: 'PUT', body: new Uint8Array(1024 * 1024) });
    expect(put.status).toBe(200);
  });
});
