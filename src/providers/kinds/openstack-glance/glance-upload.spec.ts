import { contentMd5Hex, integrityProblems, readUntilSettled } from './glance-upload';

const expected = { sizeBytes: 3, sha512: 'AA', sha256: 'bb', md5: 'cc' };

describe('integrityProblems', () => {
  it('is empty when size and hashes match, whatever their case', () => {
    const image = { id: 'i', status: 'active', size: 3, os_hash_algo: 'sha512', os_hash_value: 'aa', checksum: 'CC' };
    expect(integrityProblems(image, expected)).toEqual([]);
  });

  it('checks a sha256 os_hash too, and md5 only when Glance gives one', () => {
    const image = { id: 'i', status: 'active', size: 3, os_hash_algo: 'sha256', os_hash_value: 'bb', checksum: null };
    expect(integrityProblems(image, expected)).toEqual([]);
  });

  it('names every difference', () => {
    const image = { id: 'i', status: 'queued', size: 4, os_hash_algo: 'sha512', os_hash_value: 'ee', checksum: 'dd' };
    expect(integrityProblems(image, expected)).toEqual([
      "status is 'queued', not 'active'",
      'size is 4 bytes, the upload has 3',
      'sha512 is ee, the upload has aa',
      'md5 checksum is dd, the upload has cc',
    ]);
  });

  it('checks the md5 checksum alone when the answer has no os_hash_value, as NHN documents only checksum', () => {
    const absent = { id: 'i', status: 'active', size: 3, checksum: 'cc' };
    const nulls = { ...absent, os_hash_algo: null, os_hash_value: null };
    const unknownAlgorithm = { ...absent, os_hash_algo: 'sha384', os_hash_value: '12' };
    for (const image of [absent, nulls, unknownAlgorithm]) expect(integrityProblems(image, expected)).toEqual([]);
    expect(integrityProblems({ ...absent, checksum: 'dd' }, expected)).toEqual([
      'md5 checksum is dd, the upload has cc',
    ]);
  });

  it('refuses an answer with neither an os_hash_value nor an md5 checksum', () => {
    const image = { id: 'i', status: 'active', size: 3, os_hash_algo: null, os_hash_value: null, checksum: null };
    expect(integrityProblems(image, expected)).toEqual([
      'neither a sha512/sha256 os_hash_value (os_hash_algo is unset) nor an md5 checksum to check the bytes against',
    ]);
  });
});

describe('readUntilSettled', () => {
  it('polls with growing sleeps while saving, within its budget', async () => {
    const statuses = ['saving', 'saving', 'saving', 'active'];
    const sleeps: number[] = [];
    const outcome = await readUntilSettled(
      async () => ({ id: 'i', status: statuses.shift() }),
      new AbortController().signal,
      { timeoutMs: 10_000, sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(outcome).toMatchObject({ settled: true, image: { status: 'active' } });
    expect(sleeps).toEqual([250, 500, 1000]);
  });

  it('reports an image still saving when the budget is spent', async () => {
    const sleeps: number[] = [];
    const outcome = await readUntilSettled(async () => ({ id: 'i', status: 'saving' }), new AbortController().signal, {
      timeoutMs: 1_000,
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(outcome).toMatchObject({ settled: false, waitedMs: 1_000 });
    expect(sleeps).toEqual([250, 500, 250]);
  });

  it("stops with the signal's reason when cancelled while waiting", async () => {
    const controller = new AbortController();
    const waiting = readUntilSettled(async () => ({ id: 'i', status: 'saving' }), controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
  });
});

describe('contentMd5Hex', () => {
  it('reads hex as Glance sends it and base64 as RFC 1864 has it', () => {
    expect(contentMd5Hex('D41D8CD98F00B204E9800998ECF8427E')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(contentMd5Hex('1B2M2Y8AsgTpgAmY7PhCfg==')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(contentMd5Hex('nonsense')).toBeNull();
    expect(contentMd5Hex(null)).toBeNull();
  });
});
