import { copyClientId } from './copy-client-id';

describe('copyClientId', () => {
  const target = '6f1c2e3d-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
  const job = '0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b';

  it('is a version-5 layout UUID', () => {
    expect(copyClientId(target, job)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('is the same for every attempt of one job, and differs for another job or target', () => {
    expect(copyClientId(target, job)).toBe(copyClientId(target, job));
    expect(copyClientId(target, job)).not.toBe(copyClientId(target, target));
    expect(copyClientId(job, job)).not.toBe(copyClientId(target, job));
  });
});
