import { PrismaPg } from '@prisma/adapter-pg';
import IORedis from 'ioredis';
import { Readable } from 'node:stream';
import { deleteRedisPrefix, dropDatabase, isolatedNames, REDIS_URL } from '../../harness/isolated-resources';
import { PermanentJobError } from '../jobs/job-handler';
import { bootstrapDatabase } from '../platform/persistence/database-bootstrap';
import { PrismaClient } from '../platform/persistence/generated/client';
import { embeddedStagingConfig, startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { S3StagingStorage } from '../platform/staging/s3-staging.storage';
import { segmentKey } from '../platform/staging/segmented-layout';
import { RedisLeases } from '../platform/coordination/redis-leases';
import { IntakeLiveness } from './intake-liveness';
import { StagedUploadSource } from './staged-upload-source';
import { UploadSignals } from './upload-signals';
import { scenarioDelay } from '../../test/support/wait-for';

const SEGMENT = 64 * 1024;
const SIZE = 2 * SEGMENT + 100;
const BYTES = Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 7) & 0xff));
// The re-read is long: a segment read well before it was learnt of by its signal.
const TIMINGS = { rereadMs: 4000, intakeGraceMs: 1000 };

/** Whether the promise is still pending after `ms`. */
async function stillPending(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const marker = Symbol('pending');
  const winner = await Promise.race([
    promise.then(
      () => null,
      () => null,
    ),
    new Promise((r) => setTimeout(() => r(marker), ms)),
  ]);
  return winner === marker;
}

async function text(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe('a push that reads an upload while it is received (StagedUploadSource)', () => {
  const names = isolatedNames('receiving-source');
  let db: PrismaClient;
  let redis: IORedis;
  let subscriber: IORedis;
  let signals: UploadSignals;
  let s3: EmbeddedS3;
  let staging: S3StagingStorage;
  let liveness: IntakeLiveness;
  let imageId: string;

  beforeAll(async () => {
    await bootstrapDatabase(names.databaseUrl);
    db = new PrismaClient({ adapter: new PrismaPg({ connectionString: names.databaseUrl, max: 4 }) });
    redis = new IORedis(REDIS_URL);
    subscriber = new IORedis(REDIS_URL);
    signals = new UploadSignals(redis, subscriber, names.redisPrefix);
    s3 = await startEmbeddedS3();
    staging = new S3StagingStorage(embeddedStagingConfig(s3, SEGMENT));
    liveness = new IntakeLiveness(new RedisLeases(redis), names.redisPrefix);
    await db.providerConnection.create({ data: { name: 'p', kind: 'openstack-glance', source: 'file', settings: {} } });
    imageId = (
      await db.image.create({
        data: { providerName: 'p', providerKind: 'openstack-glance', nativeId: 'n', contentHash: 'h' },
      })
    ).id;
  });
  afterAll(async () => {
    await db?.$disconnect();
    redis?.disconnect();
    subscriber?.disconnect();
    staging?.destroy();
    await s3?.close();
    await dropDatabase(names.database);
    await deleteRedisPrefix(names.redisPrefix);
  });

  /** An upload being received, of `size` bytes; its intake's mark is kept unless `intakeAlive` is false. */
  async function receiving(size = SIZE, intakeAlive = true) {
    const upload = await db.upload.create({
      data: {
        imageId,
        stagingKey: `uploads/${imageId}/${Math.random().toString(36).slice(2)}`,
        segmentBytes: SEGMENT,
        sizeBytes: BigInt(size),
        stagedBytes: 0n,
      },
    });
    const release = intakeAlive ? await liveness.keep(upload.id) : async () => undefined;
    releases.push(release);
    const ended: PermanentJobError[] = [];
    const source = new StagedUploadSource(staging, upload, null, {
      intake: {
        declaredSha256: null,
        progress: () => db.upload.findUnique({ where: { id: upload.id } }),
        signals: signals.watch(upload.id),
        alive: () => liveness.alive(upload.id),
      },
      stop: (reason) => ended.push(reason),
      timings: TIMINGS,
    });
    sources.push(source);
    let staged = 0;
    return {
      upload,
      source,
      ended,
      /** Stores the next `count` segments and records the bytes staged, as the intake does. */
      async stage(count: number) {
        for (let i = 0; i < count; i++) {
          const end = Math.min(size, staged + SEGMENT);
          const index = staged / SEGMENT;
          await staging.put(
            segmentKey(upload.stagingKey, index),
            Readable.from([BYTES.subarray(staged, end)]),
            undefined,
            end - staged,
          );
          staged = end;
        }
        await db.upload.update({ where: { id: upload.id }, data: { stagedBytes: BigInt(staged) } });
        await signals.publish(upload.id, 'staged');
      },
      /** Records the checksums, as the intake does once every byte passed its checks. */
      async verify() {
        await db.upload.update({
          where: { id: upload.id },
          data: { sha256: 'a'.repeat(64), sha512: 'b'.repeat(128), md5: 'c'.repeat(32) },
        });
        await signals.publish(upload.id, 'ended');
      },
    };
  }

  const releases: Array<() => Promise<void>> = [];
  const sources: StagedUploadSource[] = [];
  afterEach(async () => {
    for (const source of sources.splice(0)) source.close();
    await Promise.all(releases.splice(0).map((release) => release()));
  });

  it('reads a staged segment at once, and opens a part of one not staged yet only once it is', async () => {
    const upload = await receiving();
    await upload.stage(1);
    expect((await text(await upload.source.open({ start: 10, end: 20 }))).equals(BYTES.subarray(10, 21))).toBe(true);
    const next = upload.source.open({ start: SEGMENT - 5, end: SEGMENT + 5 });
    expect(await stillPending(next, 300)).toBe(true);
    await upload.stage(1);
    expect((await text(await next)).equals(BYTES.subarray(SEGMENT - 5, SEGMENT + 6))).toBe(true);
  });

  it('learns of a staged segment by its signal, long before it would read the row again', async () => {
    const upload = await receiving();
    const first = upload.source.open({ start: 0, end: 10 });
    expect(await stillPending(first, 300)).toBe(true);
    const staged = Date.now();
    await upload.stage(1);
    await first;
    expect(Date.now() - staged).toBeLessThan(TIMINGS.rereadMs / 2);
  });

  it('holds back the segment with the last byte, although it is staged, until the bytes are verified', async () => {
    const upload = await receiving();
    await upload.stage(3);
    const last = upload.source.open({ start: 2 * SEGMENT, end: SIZE - 1 });
    expect(await stillPending(last, 300)).toBe(true);
    expect(() => upload.source.sha512).toThrow(PermanentJobError);
    await upload.verify();
    expect((await text(await last)).equals(BYTES.subarray(2 * SEGMENT))).toBe(true);
    expect(upload.source.sha512).toBe('b'.repeat(128));
  });

  it('streams the whole image as far as it is staged, and its end once verified', async () => {
    const upload = await receiving();
    await upload.stage(3);
    const whole = text(await upload.source.open());
    expect(await stillPending(whole, 300)).toBe(true);
    await upload.verify();
    expect((await whole).equals(BYTES)).toBe(true);
  });

  it('opens an empty upload only once it is verified', async () => {
    const upload = await receiving(0);
    await upload.stage(1);
    const empty = upload.source.open();
    expect(await stillPending(empty, 300)).toBe(true);
    await upload.verify();
    expect((await text(await empty)).length).toBe(0);
  });

  it('ends the push with the reason the intake refused the bytes for', async () => {
    const upload = await receiving();
    await upload.stage(3);
    // Its outcome is taken at once: the refusal may land before the row update below resolves.
    const outcome = upload.source.open({ start: 2 * SEGMENT, end: SIZE - 1 }).then(
      () => null,
      (e: unknown) => e,
    );
    await db.upload.update({
      where: { id: upload.upload.id },
      data: { state: 'failed', failureReason: "The bytes' sha256 differs from the registration" },
    });
    await signals.publish(upload.upload.id, 'ended');
    const error = await outcome;
    expect(error).toBeInstanceOf(PermanentJobError);
    expect(error).toMatchObject({
      code: 'upload_refused',
      message: expect.stringContaining('sha256 differs') as string,
    });
    expect(upload.ended).toEqual([error]);
  });

  it('ends the push as interrupted once the intake has been gone for longer than its grace', async () => {
    const upload = await receiving(SIZE, false);
    const started = Date.now();
    const error = await upload.source.open({ start: 0, end: 10 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'upload_interrupted' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMINGS.intakeGraceMs);
    expect(upload.ended).toEqual([error]);
  });

  it("keeps waiting when the intake's mark vanishes for less than its grace (a Redis restart)", async () => {
    const upload = await receiving();
    const next = upload.source.open({ start: 0, end: 10 });
    // The intake's lease as redis-semaphore keeps it (a Mutex's `mutex:` key).
    await redis.del(`mutex:${names.redisPrefix}:upload-intake:${upload.upload.id}`);
    await scenarioDelay(TIMINGS.intakeGraceMs / 4); // the mark stays away for a quarter of the grace
    releases.push(await liveness.keep(upload.upload.id));
    expect(await stillPending(next, TIMINGS.intakeGraceMs * 1.5)).toBe(true);
    await upload.stage(1);
    expect((await text(await next)).equals(BYTES.subarray(0, 11))).toBe(true);
    expect(upload.ended).toEqual([]);
  });
});
