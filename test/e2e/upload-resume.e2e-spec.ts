import { BrokerProcess, READER_SECRET, WRITER_SECRET } from '../../harness/broker-process';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';
import { TestImageBytes } from '../support/image-bytes';
import { openUploadRequest } from '../support/upload-request';
import { waitFor } from '../support/wait-for';

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

/** One server-sent event as a client reads it. */
interface SentEvent {
  id: string;
  event: string;
  job: Job;
}

/**
 * A GET /v1/jobs/{id}/events connection read event by event: `next` waits up
 * to `timeoutMs` for the next one (null when none came), `retry` is the hint
 * the stream opened with.
 */
async function openEvents(brokerUrl: string, jobId: string, lastEventId?: string) {
  const abort = new AbortController();
  const res = await fetch(`${brokerUrl}/v1/jobs/${jobId}/events`, {
    headers: {
      authorization: `Bearer ${READER_SECRET}`,
      ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
    },
    signal: abort.signal,
  });
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let retry: number | null = null;
  let ended = false;
  let pending: ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> | null = null;

  async function next(timeoutMs: number): Promise<SentEvent | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const split = buffer.indexOf('\n\n');
      if (split >= 0) {
        const block = buffer.slice(0, split);
        buffer = buffer.slice(split + 2);
        const fields = new Map<string, string>();
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':');
          if (colon <= 0) continue;
          fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
        }
        if (fields.has('retry')) retry = Number(fields.get('retry'));
        if (!fields.has('data')) continue;
        return { id: fields.get('id')!, event: fields.get('event')!, job: JSON.parse(fields.get('data')!) as Job };
      }
      if (ended || !reader) return null;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      pending ??= reader.read();
      let timer: NodeJS.Timeout | undefined;
      const read = await Promise.race([pending, new Promise<null>((r) => (timer = setTimeout(() => r(null), left)))]);
      clearTimeout(timer);
      if (read === null) return null;
      pending = null;
      if (read.done) ended = true;
      else buffer += decoder.decode(read.value, { stream: true });
    }
  }

  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    next,
    get retry() {
      return retry;
    },
    /** Every event until the stream ends (or `timeoutMs` passes). */
    async rest(timeoutMs = 60_000): Promise<SentEvent[]> {
      const events: SentEvent[] = [];
      const deadline = Date.now() + timeoutMs;
      for (let event = await next(timeoutMs); event; event = await next(Math.max(1, deadline - Date.now()))) {
        events.push(event);
      }
      return events;
    },
    close: () => abort.abort(),
  };
}

/** Event ids are integers joined by dots, ordered number by number. */
function compareIds(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
}

describe('resuming direct uploads and job event streams', () => {
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

  describe("a job's server-sent events", () => {
    it('gives the same state the same id on every connection, skips the state a reconnect names while the job has not moved, and tells a client that has the end to stop', async () => {
      const bytes = new TestImageBytes(3 * MIB, 'watched');
      const image = await registerRaw('watched', bytes);
      // A PUT that sends 100 KiB and pauses: its upload job waits, queued, for the first 1 MiB segment.
      const req = openUploadRequest(broker.url, image.id, WRITER_SECRET, bytes.sizeBytes);
      const answered = new Promise<number>((resolve, reject) => {
        req.on('error', reject);
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
      });
      req.write(bytes.slice(0, 100 * 1024 - 1));
      let jobId = '';
      await waitFor(async () => {
        const jobs = await broker.api<{ items: Job[] }>(`/v1/jobs?imageId=${image.id}&type=upload`);
        jobId = jobs.body.items[0]?.id ?? '';
        return jobId !== '';
      });

      const first = await openEvents(broker.url, jobId);
      expect(first.status).toBe(200);
      expect(first.contentType).toMatch(/^text\/event-stream/);
      const seen = await first.next(10_000);
      expect(first.retry).toBeGreaterThan(0);
      first.close();
      expect(seen).toMatchObject({ event: 'state', job: { id: jobId, state: 'queued' } });

      const second = await openEvents(broker.url, jobId);
      expect((await second.next(10_000))?.id).toBe(seen!.id);
      second.close();

      // Reconnecting with the id of the last event received: nothing while the job is still in that state.
      const resumed = await openEvents(broker.url, jobId, seen!.id);
      expect(resumed.status).toBe(200);
      expect(await resumed.next(1_500)).toBeNull();
      expect(resumed.retry).toBeGreaterThan(0);
      expect((await broker.api<Job>(`/v1/jobs/${jobId}`)).body.state).toBe('queued');

      // The rest of the body: the job moves, and the same connection gets each move once, in order, to the end.
      req.end(bytes.slice(100 * 1024, bytes.sizeBytes - 1));
      expect(await answered).toBe(202);
      const moves = await resumed.rest();
      resumed.close();
      expect(moves.length).toBeGreaterThan(0);
      expect(moves.map((e) => e.id)).not.toContain(seen!.id);
      for (const [i, event] of moves.entries()) {
        expect(compareIds(event.id, i === 0 ? seen!.id : moves[i - 1].id)).toBeGreaterThan(0);
      }
      const end = moves[moves.length - 1];
      expect(end).toMatchObject({ event: 'end', job: { state: 'succeeded' } });

      // The ended job: the same end id on a new connection; a client that has it is told 204, to stop reconnecting.
      const replay = await openEvents(broker.url, jobId);
      const replayed = await replay.rest(10_000);
      expect(replayed.map((e) => [e.id, e.event])).toEqual([[end.id, 'end']]);
      const stop = await openEvents(broker.url, jobId, end.id);
      expect(stop.status).toBe(204);
      stop.close();
      // An older id gets the job's current state at once.
      const behind = await openEvents(broker.url, jobId, seen!.id);
      expect((await behind.rest(10_000)).map((e) => e.id)).toEqual([end.id]);
      behind.close();
      replay.close();
    });
  });
});
