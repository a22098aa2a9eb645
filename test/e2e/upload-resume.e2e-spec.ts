import { BrokerProcess, READER_SECRET, WRITER_SECRET } from '../../harness/broker-process';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';
import { TestImageBytes } from '../support/image-bytes';

interface Image {
  id: string;
  checksums: { sha512: string | null };
}
interface Job {
  id: string;
  state: string;
  progress: { bytesDone: number; bytesTotal: number | null };
}
interface SessionPart {
  partNumber: number;
  url: string;
  sizeBytes: number;
}
interface StagedPart {
  partNumber: number;
  etag: string;
  sizeBytes: number;
}
interface SessionStatus {
  uploadId: string;
  imageId: string;
  state: string;
  sizeBytes: number;
  partSizeBytes: number;
  expiresAt: string;
  stagedParts: StagedPart[];
  parts: SessionPart[];
}
interface Problem {
  status: number;
  type: string;
  detail: string;
}

const MIB = 1024 * 1024;

describe('resuming direct uploads', () => {
  let s3: EmbeddedS3;
  let glance: { nhn: GlanceEmulator; standard: GlanceEmulator; nhnUrl: string; standardUrl: string };
  let broker: BrokerProcess;

  async function registerRaw(name: string, bytes?: TestImageBytes): Promise<Image> {
    const res = await broker.api<Image>('/v1/images', {
      method: 'POST',
      body: {
        provider: 'vietnix-hcm',
        name,
        diskFormat: 'raw',
        containerFormat: 'bare',
        ...(bytes ? { sizeBytes: bytes.sizeBytes, sha256: bytes.sha256 } : {}),
      },
      secret: WRITER_SECRET,
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function openSession(imageId: string) {
    const res = await broker.api<{ uploadId: string; parts: SessionPart[] }>(`/v1/images/${imageId}/upload-sessions`, {
      method: 'POST',
      body: { partSizeBytes: 5 * MIB },
      secret: WRITER_SECRET,
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** PUTs a part's bytes straight to the staging bucket; the ETag it answers. */
  async function putPart(part: SessionPart, bytes: TestImageBytes, length = part.sizeBytes): Promise<string> {
    const offset = (part.partNumber - 1) * 5 * MIB;
    const res = await fetch(part.url, { method: 'PUT', body: bytes.slice(offset, offset + length - 1) });
    expect(res.status).toBe(200);
    return res.headers.get('etag')!;
  }

  const getSession = (imageId: string, uploadId: string, secret = WRITER_SECRET) =>
    broker.api<SessionStatus & Problem>(`/v1/images/${imageId}/upload-sessions/${uploadId}`, { secret });

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    glance = await startGlancePair({ nhn: 2, standard: 2 });
    broker = await BrokerProcess.start({
      label: 'resume',
      providersYaml: glanceProvidersYaml(`http://127.0.0.1:${new URL(glance.nhnUrl).port}`, glance.standardUrl),
      // Segments of 1 MiB: a PUT whose first MiB has not arrived holds its upload job queued.
      env: { NHN_TOKEN, ...s3.env, STAGING_SEGMENT_MIB: '1' },
    });
  });
  afterAll(async () => {
    await broker?.stop();
    await Promise.all([glance?.nhn.close(), glance?.standard.close()]);
    await s3?.close();
  });

  describe('a direct upload session', () => {
    it('resumes after a crash: lists the parts staging holds, signs only the missing ones again, and completes to a pushed image', async () => {
      const bytes = new TestImageBytes(16 * MIB, 'resumed');
      const image = await registerRaw('resumed', bytes);
      const opened = await openSession(image.id);
      expect(opened.parts.map((p) => [p.partNumber, p.sizeBytes])).toEqual([
        [1, 5 * MIB],
        [2, 5 * MIB],
        [3, 5 * MIB],
        [4, 1 * MIB],
      ]);
      // The client sends parts 1 and 3 whole and part 2 cut short, then crashes.
      const etag1 = await putPart(opened.parts[0], bytes);
      await putPart(opened.parts[1], bytes, 2 * MIB);
      const etag3 = await putPart(opened.parts[2], bytes);

      const before = Date.now();
      const resumed = await getSession(image.id, opened.uploadId);
      expect(resumed.status).toBe(200);
      expect(resumed.headers.get('cache-control')).toBe('no-store');
      expect(resumed.body).toMatchObject({
        uploadId: opened.uploadId,
        imageId: image.id,
        state: 'receiving',
        sizeBytes: 16 * MIB,
        partSizeBytes: 5 * MIB,
      });
      expect(resumed.body.stagedParts).toEqual([
        { partNumber: 1, etag: etag1, sizeBytes: 5 * MIB },
        { partNumber: 3, etag: etag3, sizeBytes: 5 * MIB },
      ]);
      // Part 2 is held at another size than its number's: it is signed again with part 4, which was never sent.
      expect(resumed.body.parts.map((p) => [p.partNumber, p.sizeBytes])).toEqual([
        [2, 5 * MIB],
        [4, 1 * MIB],
      ]);
      expect(Date.parse(resumed.body.expiresAt)).toBeGreaterThanOrEqual(before + 3_500_000);

      const etag2 = await putPart(resumed.body.parts[0], bytes);
      const etag4 = await putPart(resumed.body.parts[1], bytes);
      const again = await getSession(image.id, opened.uploadId);
      expect(again.body.stagedParts.map((p) => p.partNumber)).toEqual([1, 2, 3, 4]);
      expect(again.body.parts).toEqual([]);

      const done = await broker.api<Job>(`/v1/images/${image.id}/upload-sessions/${opened.uploadId}/complete`, {
        method: 'POST',
        body: {
          parts: [
            { partNumber: 1, etag: etag1 },
            { partNumber: 2, etag: etag2 },
            { partNumber: 3, etag: etag3 },
            { partNumber: 4, etag: etag4 },
          ],
        },
        secret: WRITER_SECRET,
      });
      expect(done.status).toBe(202);
      expect((await broker.waitForJob(done.body.id)).state).toBe('succeeded');
      expect((await broker.api<Image>(`/v1/images/${image.id}`)).body.checksums.sha512).toBe(bytes.sha512);

      // A completed session takes no more parts: 409 naming its state, and it is no longer listed.
      const completed = await getSession(image.id, opened.uploadId);
      expect(completed.status).toBe(409);
      expect(completed.body.detail).toMatch(/is (staged|pushing|completed)/);
      const listed = await broker.api<{ items: unknown[] }>(`/v1/images/${image.id}/upload-sessions`, {
        secret: WRITER_SECRET,
      });
      expect(listed.body.items).toEqual([]);
    });

    it("lists an image's open sessions, newest first, with how many parts each holds and no URLs", async () => {
      const bytes = new TestImageBytes(11 * MIB, 'listed');
      const image = await registerRaw('listed', bytes);
      const first = await openSession(image.id);
      const second = await openSession(image.id);
      await putPart(second.parts[0], bytes);
      await putPart(second.parts[2], bytes);

      const res = await broker.api<{ items: Array<Record<string, unknown>> }>(
        `/v1/images/${image.id}/upload-sessions`,
        { secret: WRITER_SECRET },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body.items).toEqual([
        {
          uploadId: second.uploadId,
          sizeBytes: 11 * MIB,
          partSizeBytes: 5 * MIB,
          createdAt: expect.any(String),
          stagedPartCount: 2,
        },
        {
          uploadId: first.uploadId,
          sizeBytes: 11 * MIB,
          partSizeBytes: 5 * MIB,
          createdAt: expect.any(String),
          stagedPartCount: 0,
        },
      ]);
      expect(JSON.stringify(res.body)).not.toContain('http');
    });

    it("answers 404 for another image's session, an unknown session and the sessions of an unknown image, and 403 to a reader", async () => {
      const bytes = new TestImageBytes(6 * MIB, 'owned');
      const owner = await registerRaw('owner', bytes);
      const other = await registerRaw('other', bytes);
      const session = await openSession(owner.id);

      const foreign = await getSession(other.id, session.uploadId);
      expect(foreign.status).toBe(404);
      expect(foreign.body.detail).toContain(session.uploadId);
      expect((await getSession(owner.id, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await getSession(owner.id, 'not-a-uuid')).status).toBe(404);
      expect(
        (
          await broker.api(`/v1/images/00000000-0000-4000-8000-000000000000/upload-sessions`, {
            secret: WRITER_SECRET,
          })
        ).status,
      ).toBe(404);
      // The session answers presigned URLs: bearer credentials for the bucket, not for readers.
      expect((await getSession(owner.id, session.uploadId, READER_SECRET)).status).toBe(403);
      expect((await getSession(owner.id, session.uploadId)).status).toBe(200);
    });
  });
});
