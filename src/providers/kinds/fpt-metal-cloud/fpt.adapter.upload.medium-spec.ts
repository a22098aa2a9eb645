import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FptConnection } from '../../connections/provider-connection.types';
import { ProviderNotFoundError, ProviderRejectedError } from '../../../platform/errors/provider.errors';
import type {
  CreateImageSpec,
  ImageBytesSource,
  UploadCheckpoint,
  UploadContext,
} from '../../port/provider-writes';
import { type EmbeddedS3, startEmbeddedS3 } from '../../../../sandbox/embedded-s3';
import { createFptEmulator, type FptEmulator } from './emulator/fpt.emulator';
import { sha256OfStream } from './emulator/fpt-object-digest';
import { objectKey } from './emulator/fpt-route.context';
import { S3FptPartStore, s3PartStoreOptionsFromEnv } from './emulator/fpt-s3-part-store';
import { generateFptSeed } from './emulator/fpt-seed';
import { FptAdapter, type FptAdapterOptions } from './fpt.adapter';
import { FPT_UPLOAD_STATE_FORMAT } from './fpt-upload-plan';

const VPC = '0f6c1f2e-3b4a-4d5e-8f90-123456789abc';
const TOKEN = 'fpt-upload-test-token';
const MiB = 1024 * 1024;
const SIZE = 18 * MiB;
/** The emulator cuts 5 MiB parts: 18 MiB → 4 URLs, and the adapter cuts 4 equal parts of 4.5 MiB. */
const PART = Math.ceil(SIZE / 4);
const HOUR = 3600 * 1000;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The checkpoint as the broker keeps it: state and parts survive a run, and go through JSON. */
class MemoryCheckpoint implements UploadCheckpoint {
  saved: Record<string, unknown> | null = null;
  readonly recorded = new Map<number, { etag: string; size: number }>();
  recordCalls: number[] = [];

  state(): Promise<Record<string, unknown> | null> {
    return Promise.resolve(
      this.saved === null ? null : (JSON.parse(JSON.stringify(this.saved)) as Record<string, unknown>),
    );
  }

  saveState(state: Record<string, unknown>): Promise<void> {
    this.saved = JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
    return Promise.resolve();
  }

  parts(): Promise<Map<number, string>> {
    return Promise.resolve(new Map([...this.recorded].map(([n, part]) => [n, part.etag])));
  }

  recordPart(partNumber: number, etag: string, sizeBytes: number): Promise<void> {
    this.recorded.set(partNumber, { etag, size: sizeBytes });
    this.recordCalls.push(partNumber);
    return Promise.resolve();
  }
}

/** Staged bytes in memory, streamed in 64 KiB chunks; counts what the adapter reads. */
class BufferSource implements ImageBytesSource {
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly sha512 = '';
  readonly md5 = '';
  readonly opens: { start: number; end: number }[] = [];

  constructor(
    private readonly data: Buffer,
    private readonly behaviour: { sha256?: string; failFrom?: number } = {},
  ) {
    this.sizeBytes = data.length;
    this.sha256 = behaviour.sha256 ?? sha256(data);
  }

  open(range?: { start: number; end: number }): Promise<Readable> {
    const { start, end } = range ?? { start: 0, end: this.data.length - 1 };
    this.opens.push({ start, end });
    if (this.behaviour.failFrom !== undefined && start >= this.behaviour.failFrom) {
      return Promise.reject(new Error('staging read failed'));
    }
    const slice = this.data.subarray(start, end + 1);
    return Promise.resolve(Readable.from(chunks(slice, 64 * 1024)));
  }
}

function* chunks(data: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

function spec(extra: Partial<CreateImageSpec> = {}): CreateImageSpec {
  return {
    name: 'trainer-image',
    region: 'hcm',
    diskFormat: null,
    containerFormat: null,
    visibility: null,
    minDiskGiB: null,
    minRamMiB: null,
    protected: null,
    tags: [],
    properties: {},
    os: { type: null, distro: null, version: null, architecture: null },
    sizeBytes: SIZE,
    sha256: null,
    ...extra,
  };
}

describe('FptAdapter writes against the emulator with presigned parts on S3 (s3rver)', () => {
  let s3: EmbeddedS3;
  let partStore: S3FptPartStore;
  let emulator: FptEmulator;
  let endpoint: string;
  /** Presigned URLs signed while this is above zero are already expired for S3. */
  let staleSignatures = 0;

  beforeAll(async () => {
    s3 = await startEmbeddedS3('fpt-adapter-staging');
    partStore = new S3FptPartStore({
      ...s3PartStoreOptionsFromEnv(s3.env, 'fpt-adapter-parts'),
      now: () => (staleSignatures-- > 0 ? Date.now() - 2 * HOUR : Date.now()),
    });
    emulator = createFptEmulator({
      vpcId: VPC,
      tokens: [TOKEN],
      partStore,
      partSizeBytes: 5 * MiB,
      ...generateFptSeed({ count: 30, seed: 5, vpcId: VPC }),
    });
    endpoint = await emulator.listen();
  });
  afterAll(async () => {
    await emulator.close();
    await partStore.close();
    await s3.close();
  });
  afterEach(() => {
    staleSignatures = 0;
    jest.restoreAllMocks();
  });

  function connection(): FptConnection {
    return {
      name: 'fpt-hcm',
      kind: 'fpt-metal-cloud',
      endpoint,
      vpcId: VPC,
      region: 'hcm',
      auth: { type: 'bearer', token: TOKEN },
    };
  }

  const adapter = (upload: FptAdapterOptions['upload'] = {}) =>
    new FptAdapter(connection(), { http: { sleep: async () => undefined }, upload });

  function context(checkpoint: UploadCheckpoint, progress: number[] = [], signal = new AbortController().signal) {
    return { signal, progress: (done: number) => progress.push(done), checkpoint } satisfies UploadContext;
  }

  async function registered(data: Buffer, name = 'trainer-image'): Promise<string> {
    const image = await adapter().createImage(spec({ name, sizeBytes: data.length, sha256: sha256(data) }));
    return image.nativeId;
  }

  describe('createImage', () => {
    it('registers name, size and sha256 and answers the pending custom image, with no FPT status it was not told', async () => {
      const data = randomBytes(1000);

      const image = await adapter().createImage(spec({ sizeBytes: 1000, sha256: sha256(data).toUpperCase() }));

      expect(image).toMatchObject({
        region: 'hcm',
        name: 'trainer-image',
        kind: 'custom',
        visibility: 'private',
        status: 'pending',
        nativeStatus: null,
        sizeBytes: 1000,
        checksums: { sha256: sha256(data), md5: null, sha512: null },
      });
      expect(emulator.store.customImage(image.nativeId)).toMatchObject({
        name: 'trainer-image',
        size: 1000,
        sha256: sha256(data),
        status: 'pending',
      });
      // FPT's list states no status, size or sha256 (seed 000): read back, they are unknown, not guessed.
      expect(await adapter().getImage(image.nativeId)).toMatchObject({
        nativeId: image.nativeId,
        name: 'trainer-image',
        status: null,
        sizeBytes: null,
        checksums: { sha256: null },
      });
    });

    it('refuses without sha256 or sizeBytes, naming them, and registers nothing', async () => {
      const before = emulator.store.customCount;

      const noSha = adapter().createImage(spec({ sha256: null }));
      await expect(noSha).rejects.toBeInstanceOf(ProviderRejectedError);
      await expect(noSha).rejects.toThrow(/give sha256 \(sha256: 64 hex digits\)/);
      await expect(adapter().createImage(spec({ sizeBytes: null, sha256: 'a'.repeat(64) }))).rejects.toThrow(
        /give sizeBytes/,
      );
      await expect(adapter().createImage(spec({ sizeBytes: null, sha256: 'not-hex' }))).rejects.toThrow(
        /give sizeBytes and sha256/,
      );
      expect(emulator.store.customCount).toBe(before);
    });

    it('refuses what FPT cannot keep, and a second live image of the same bytes as a conflict', async () => {
      const data = randomBytes(100);
      const sha = sha256(data);
      await expect(adapter().createImage(spec({ sizeBytes: 100, sha256: sha, visibility: 'public' }))).rejects.toThrow(
        /visibility 'public'/,
      );

      await adapter().createImage(spec({ sizeBytes: 100, sha256: sha }));
      const again = adapter().createImage(spec({ sizeBytes: 100, sha256: sha }));
      await expect(again).rejects.toBeInstanceOf(ProviderRejectedError);
      await expect(again).rejects.toMatchObject({ upstreamStatus: 409 });
    });

    it('takes over its own register whose answer was lost, when the create is a repeatable one, instead of making a second image', async () => {
      const data = randomBytes(120);
      const sha = sha256(data);
      const before = emulator.store.customCount;
      // The list of that name before the register, then the register: handled, its answer lost, sent again.
      const lostBefore = emulator.faults.stats().lostResponses;
      emulator.faults.set({ script: [{ kind: 'pass' }, { kind: 'lose' }] });
      try {
        const image = await adapter().createImage(
          spec({ name: 'copy-1', sizeBytes: 120, sha256: sha, clientId: 'c1' }),
        );
        expect(emulator.faults.stats().lostResponses).toBe(lostBefore + 1);
        expect(emulator.store.customCount).toBe(before + 1);
        expect(emulator.store.customImageBySha(sha)).toMatchObject({ id: image.nativeId, name: 'copy-1' });
        expect(image).toMatchObject({ status: 'pending', sizeBytes: 120, checksums: { sha256: sha } });
      } finally {
        emulator.faults.clear();
      }
    });

    it('does not guess which image an earlier register made, as FPT lists no sha256 or status: a later repeat is a conflict', async () => {
      const data = randomBytes(130);
      const sha = sha256(data);
      await adapter().createImage(spec({ name: 'copy-3', sizeBytes: 130, sha256: sha, clientId: 'c3' }));
      const before = emulator.store.customCount;

      const again = adapter().createImage(spec({ name: 'copy-3', sizeBytes: 130, sha256: sha, clientId: 'c3' }));

      await expect(again).rejects.toBeInstanceOf(ProviderRejectedError);
      await expect(again).rejects.toMatchObject({ upstreamStatus: 409 });
      expect(emulator.store.customCount).toBe(before);
    });
  });

  describe('uploadImage', () => {
    it('uploads 18 MiB in four parts straight to S3 and ends active with the right sha256, then syncs it to the portal', async () => {
      const data = randomBytes(SIZE);
      const id = await registered(data);
      const source = new BufferSource(data);
      const checkpoint = new MemoryCheckpoint();
      const progress: number[] = [];

      const image = await adapter().uploadImage(id, source, context(checkpoint, progress));

      expect(image).toMatchObject({ nativeId: id, status: 'active', sizeBytes: SIZE, kind: 'custom' });
      expect(image.checksums.sha256).toBe(sha256(data));
      expect(source.opens.map((range) => range.start).sort((a, b) => a - b)).toEqual([0, PART, 2 * PART, 3 * PART]);
      expect(source.opens.find((range) => range.start === 3 * PART)?.end).toBe(SIZE - 1);
      expect([...checkpoint.recorded.keys()].sort()).toEqual([1, 2, 3, 4]);
      expect(checkpoint.recorded.get(4)?.size).toBe(SIZE - 3 * PART);
      expect(checkpoint.saved).toMatchObject({
        format: FPT_UPLOAD_STATE_FORMAT,
        uploadId: expect.any(String),
        partCount: 4,
        partSize: PART,
        urlsExpireAt: expect.stringMatching(/^\d{4}-/),
        sha256: sha256(data),
        sizeBytes: SIZE,
        completeSentAt: expect.stringMatching(/^\d{4}-/),
        completedAt: expect.stringMatching(/^\d{4}-/),
      });
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(SIZE);
      // The portal sync is a step of its own, which the broker runs next.
      expect(emulator.store.customImage(id)).toMatchObject({ status: 'active', synced_at: null });
      await adapter().syncToPortal(id);
      expect(emulator.store.customImage(id)).toMatchObject({ status: 'active', synced_at: expect.any(String) });
      expect(await sha256OfStream(partStore.readObject(objectKey(VPC, id)))).toBe(sha256(data));
    });

    it('resumes a killed upload with the same checkpoint: only the missing parts are sent, to the same upload', async () => {
      const data = randomBytes(SIZE);
      const id = await registered(data);
      const checkpoint = new MemoryCheckpoint();

      // The first worker's reads fail from part 3 on, as if it died after part 2.
      const dying = new BufferSource(data, { failFrom: 2 * PART });
      await expect(adapter().uploadImage(id, dying, context(checkpoint))).rejects.toThrow('staging read failed');
      expect([...checkpoint.recorded.keys()].sort()).toEqual([1, 2]);
      expect(emulator.store.customImage(id)).toMatchObject({ status: 'uploading' });
      const firstUpload = checkpoint.saved?.uploadId;

      const source = new BufferSource(data);
      checkpoint.recordCalls = [];
      const progress: number[] = [];
      const image = await adapter().uploadImage(id, source, context(checkpoint, progress));

      expect(source.opens.map((range) => range.start).sort((a, b) => a - b)).toEqual([2 * PART, 3 * PART]);
      expect(checkpoint.recordCalls.sort()).toEqual([3, 4]);
      expect(checkpoint.saved?.uploadId).toBe(firstUpload);
      expect(progress[0]).toBe(2 * PART);
      expect(image).toMatchObject({ status: 'active', sizeBytes: SIZE });
      expect(image.checksums.sha256).toBe(sha256(data));
    });

    it('sends every part again when FPT presigns another multipart upload than the checkpoint names', async () => {
      const data = randomBytes(6 * MiB);
      const id = await registered(data);
      const checkpoint = new MemoryCheckpoint();
      await checkpoint.saveState({
        format: FPT_UPLOAD_STATE_FORMAT,
        uploadId: 'an-upload-fpt-has-forgotten',
        partCount: 2,
        partSize: 3 * MiB,
        urlsExpireAt: null,
        staleParts: {},
      });
      await checkpoint.recordPart(1, '"0123456789abcdef0123456789abcdef"', 3 * MiB);
      const source = new BufferSource(data);

      const image = await adapter().uploadImage(id, source, context(checkpoint));

      expect(source.opens.map((range) => range.start).sort((a, b) => a - b)).toEqual([0, 3 * MiB]);
      expect(image.status).toBe('active');
      expect(checkpoint.saved).toMatchObject({ uploadId: expect.not.stringMatching(/forgotten/), staleParts: {} });
    });

    it('asks FPT for fresh URLs of the same upload when S3 refuses expired ones with 403', async () => {
      const data = randomBytes(SIZE);
      const id = await registered(data);
      const presign = jest.spyOn(partStore, 'presignPart');
      staleSignatures = 4;
      // The adapter's clock agrees with the stale signatures, so only S3's 403 can tell it.
      const source = new BufferSource(data);

      const image = await adapter({ now: () => Date.now() - 2 * HOUR }).uploadImage(
        id,
        source,
        context(new MemoryCheckpoint()),
      );

      expect(image.status).toBe('active');
      // One batch of four, then one shared refresh for the parts in flight.
      expect(presign).toHaveBeenCalledTimes(8);
      expect(new Set(presign.mock.calls.map(([uploadId]) => uploadId)).size).toBe(1);
    });

    it('refreshes URLs before sending when its clock says they have expired', async () => {
      const data = randomBytes(6 * MiB);
      const id = await registered(data);
      const presign = jest.spyOn(partStore, 'presignPart');

      const image = await adapter({ now: () => Date.now() + 2 * HOUR, partConcurrency: 1 }).uploadImage(
        id,
        new BufferSource(data),
        context(new MemoryCheckpoint()),
      );

      expect(image.status).toBe('active');
      // Two URLs, then two more before each of the two parts: the clock keeps saying they are too old.
      expect(presign).toHaveBeenCalledTimes(6);
    });

    it('sends a part again from a fresh read when its PUT breaks off midway', async () => {
      const data = randomBytes(SIZE);
      const id = await registered(data);
      const source = new BufferSource(data);
      const open = source.open.bind(source);
      let broken = false;
      source.open = async (range) => {
        const stream = await open(range);
        if (broken || range?.start !== PART) return stream;
        broken = true;
        // Half of part 2, then the staging read dies: the PUT fails and must not be recorded.
        return Readable.from(
          (async function* () {
            let sent = 0;
            for await (const chunk of stream) {
              yield chunk as Buffer;
              sent += (chunk as Buffer).length;
              if (sent >= PART / 2) throw new Error('connection reset by staging');
            }
          })(),
        );
      };
      const checkpoint = new MemoryCheckpoint();

      const image = await adapter().uploadImage(id, source, context(checkpoint));

      expect(image.status).toBe('active');
      expect(image.checksums.sha256).toBe(sha256(data));
      expect(source.opens.filter((range) => range.start === PART)).toHaveLength(2);
      expect(checkpoint.recordCalls.sort()).toEqual([1, 2, 3, 4]);
    });

    it('answers FPT’s refusal, with its reason, when the bytes sent do not hash to the registered sha256', async () => {
      const registeredData = randomBytes(7 * MiB);
      const id = await registered(registeredData);
      const corrupted = Buffer.from(registeredData);
      corrupted[12345] ^= 0xff;
      const source = new BufferSource(corrupted, { sha256: sha256(registeredData) });
      const checkpoint = new MemoryCheckpoint();

      const upload = adapter().uploadImage(id, source, context(checkpoint));

      await expect(upload).rejects.toBeInstanceOf(ProviderRejectedError);
      await expect(upload).rejects.toThrow(/SHA256 mismatch/);
      expect(emulator.store.customImage(id)).toMatchObject({ status: 'failed' });
      // FPT answered the complete: it is not in doubt, so an abort may release the registration.
      expect(checkpoint.saved).toMatchObject({ completeSentAt: null, completedAt: null });
    });

    it('is refused by FPT without sending a byte when the source is not what was registered', async () => {
      const id = await registered(randomBytes(1000));
      const other = new BufferSource(randomBytes(1000));

      await expect(adapter().uploadImage(id, other, context(new MemoryCheckpoint()))).rejects.toBeInstanceOf(
        ProviderRejectedError,
      );
      expect(other.opens).toEqual([]);
      expect(emulator.store.customImage(id)).toMatchObject({ status: 'pending' });
    });

    it('answers ProviderNotFoundError for an image FPT does not list', async () => {
      await expect(
        adapter().uploadImage('no-such-image', new BufferSource(randomBytes(10)), context(new MemoryCheckpoint())),
      ).rejects.toBeInstanceOf(ProviderNotFoundError);
    });

    it('finishes an image its checkpoint says FPT already completed: read back, no bytes sent', async () => {
      const data = randomBytes(1000);
      const id = await registered(data);
      const checkpoint = new MemoryCheckpoint();
      await adapter().uploadImage(id, new BufferSource(data), context(checkpoint));
      const again = new BufferSource(data);

      const image = await adapter().uploadImage(id, again, context(checkpoint));

      expect(image).toMatchObject({ status: 'active', sizeBytes: 1000, checksums: { sha256: sha256(data) } });
      expect(again.opens).toEqual([]);
    });

    it('finishes an image whose complete an earlier run sent without an answer: FPT refuses it again and syncs it', async () => {
      const data = randomBytes(2000);
      const id = await registered(data);
      const checkpoint = new MemoryCheckpoint();
      await adapter().uploadImage(id, new BufferSource(data), context(checkpoint));
      // The worker died after FPT took the complete and before its answer was recorded.
      checkpoint.saved = { ...checkpoint.saved, completedAt: null };
      const again = new BufferSource(data);

      const image = await adapter().uploadImage(id, again, context(checkpoint));

      expect(image).toMatchObject({ status: 'active', checksums: { sha256: sha256(data) } });
      expect(again.opens).toEqual([]);
      expect(checkpoint.saved).toMatchObject({ completedAt: expect.stringMatching(/^\d{4}-/) });
      expect(emulator.store.customImage(id)).toMatchObject({ status: 'active', synced_at: expect.any(String) });
    });

    /** An 18 MiB upload whose job is cancelled as soon as its first part is recorded. */
    async function cancelledAfterFirstPart(name: string) {
      const data = randomBytes(SIZE);
      const id = await registered(data, name);
      const cancel = new AbortController();
      const checkpoint = new MemoryCheckpoint();
      const recordPart = checkpoint.recordPart.bind(checkpoint);
      checkpoint.recordPart = async (n, etag, size) => {
        await recordPart(n, etag, size);
        cancel.abort(new Error('job cancelled'));
      };
      await expect(
        adapter().uploadImage(id, new BufferSource(data), context(checkpoint, [], cancel.signal)),
      ).rejects.toThrow('job cancelled');
      return { data, id, checkpoint };
    }

    it('stops when the job is cancelled; abortUpload releases the multipart upload by registering the image again', async () => {
      const { data, id, checkpoint } = await cancelledAfterFirstPart('cancelled-trainer');
      const open = emulator.store.upload(id);
      expect(open && partStore.hasUpload(open.uploadId)).toBe(true);

      const replacement = await adapter().abortUpload(id, checkpoint);

      expect(partStore.hasUpload(open!.uploadId)).toBe(false);
      expect(emulator.store.customImage(id)).toBeUndefined();
      expect(replacement).not.toBeNull();
      expect(replacement!.nativeId).not.toBe(id);
      expect(replacement).toMatchObject({ name: 'cancelled-trainer', sizeBytes: SIZE, status: 'pending' });
      expect(emulator.store.customImage(replacement!.nativeId)).toMatchObject({
        status: 'pending',
        size: SIZE,
        sha256: sha256(data),
      });
      const image = await adapter().uploadImage(
        replacement!.nativeId,
        new BufferSource(data),
        context(new MemoryCheckpoint()),
      );
      expect(image).toMatchObject({ status: 'active', checksums: { sha256: sha256(data) } });
    });

    it('leaves alone at abort an image that holds no upload yet, and one FPT has already finished', async () => {
      const fresh = randomBytes(MiB);
      const pending = await registered(fresh, 'never-started');
      expect(await adapter().abortUpload(pending, new MemoryCheckpoint())).toBeNull();
      expect(emulator.store.customImage(pending)).toMatchObject({ status: 'pending' });

      const data = randomBytes(MiB + 17);
      const done = await registered(data, 'finished');
      const finished = new MemoryCheckpoint();
      await adapter().uploadImage(done, new BufferSource(data), context(finished));
      expect(await adapter().abortUpload(done, finished)).toBeNull();
      expect(emulator.store.customImage(done)).toMatchObject({ status: 'active' });
    });

    it('takes over its own new registration when FPT loses the answer to it during abort', async () => {
      const { data, id, checkpoint } = await cancelledAfterFirstPart('lost-answer');
      const lostBefore = emulator.faults.stats().lostResponses;
      // The lookup, the delete, the list of that name, then the register: handled, its answer lost.
      emulator.faults.set({ script: [{ kind: 'pass' }, { kind: 'pass' }, { kind: 'pass' }, { kind: 'lose' }] });
      try {
        const replacement = await adapter().abortUpload(id, checkpoint);
        expect(replacement!.nativeId).not.toBe(id);
        expect(emulator.store.customImageBySha(sha256(data))).toMatchObject({
          id: replacement!.nativeId,
          status: 'pending',
        });
        expect(emulator.faults.stats().lostResponses).toBe(lostBefore + 1);
      } finally {
        emulator.faults.clear();
      }
    });
  });

  describe('deleteImage', () => {
    it('deletes a custom image, and answers ProviderNotFoundError once it is gone', async () => {
      const id = await registered(randomBytes(10));

      await adapter().deleteImage(id);

      expect(emulator.store.customImage(id)).toBeUndefined();
      expect(await adapter().getImage(id)).toBeNull();
      await expect(adapter().deleteImage(id)).rejects.toBeInstanceOf(ProviderNotFoundError);
    });

    it('answers 409 refusals for a public image and for an image FPT is still processing', async () => {
      const publicId = JSON.parse(emulator.store.publicListBody()).data[0].id as string;
      const processing = await registered(randomBytes(20));
      emulator.store.updateCustom(processing, { status: 'processing' });

      const refusedPublic = adapter().deleteImage(publicId);
      await expect(refusedPublic).rejects.toBeInstanceOf(ProviderRejectedError);
      await expect(refusedPublic).rejects.toMatchObject({ upstreamStatus: 409 });
      await expect(refusedPublic).rejects.toThrow(/Public images cannot be modified or deleted/);

      await expect(adapter().deleteImage(processing)).rejects.toMatchObject({
        name: 'ProviderRejectedError',
        upstreamStatus: 409,
      });
      expect(emulator.store.publicImage(publicId)).toBeDefined();
    });
  });
});
