import { softwareVersionsFromKeys } from './software-versions';

describe('softwareVersionsFromKeys', () => {
  const none: ReadonlySet<string> = new Set();

  it('turns <name>_version keys into name → version, numbers kept as written', () => {
    expect(softwareVersionsFromKeys({ cuda_version: '12.4', rocm_version: 6.1, hw_firmware: 'x' }, none)).toEqual({
      cuda: '12.4',
      rocm: '6.1',
    });
  });

  it('skips the keys that describe something other than software', () => {
    const record = { os_version: '22.04', driver_version: '550', docker_version: '27.3.1' };
    expect(softwareVersionsFromKeys(record, new Set(['os_version', 'driver_version']))).toEqual({ docker: '27.3.1' });
    expect(softwareVersionsFromKeys(record, new Set(['os_version']))).toEqual({ driver: '550', docker: '27.3.1' });
  });

  it('skips a bare _version key and blank or non-scalar values', () => {
    expect(softwareVersionsFromKeys({ _version: '1', cuda_version: ' ', nccl_version: null }, none)).toBeNull();
  });

  it('answers null when there are none', () => {
    expect(softwareVersionsFromKeys({}, none)).toBeNull();
  });
});
