import type { CreateImageSpec } from '../../port/provider-writes';
import { glanceCreateRequest } from './glance-create-request';

const spec = (overrides: Partial<CreateImageSpec> = {}): CreateImageSpec => ({
  name: 'img',
  region: '',
  diskFormat: null,
  containerFormat: null,
  visibility: null,
  minDiskGiB: null,
  minRamMiB: null,
  protected: null,
  tags: [],
  properties: {},
  os: { type: null, distro: null, version: null, architecture: null },
  sizeBytes: 123,
  sha256: 'ab',
  ...overrides,
});

const FORMATS = { diskFormat: 'qcow2', containerFormat: 'bare' } as const;

describe('glanceCreateRequest', () => {
  it('sends only what the spec states, never size or hashes', () => {
    expect(glanceCreateRequest(spec(FORMATS), 'standard', 'p')).toEqual({
      name: 'img',
      disk_format: 'qcow2',
      container_format: 'bare',
    });
  });

  it('requires diskFormat and containerFormat, naming each one missing, as Glance refuses data without them', () => {
    expect(() => glanceCreateRequest(spec(), 'standard', 'p')).toThrow(
      "Provider 'p' (OpenStack Glance) requires diskFormat and containerFormat to register an image",
    );
    expect(() => glanceCreateRequest(spec({ diskFormat: 'raw' }), 'standard', 'p')).toThrow(
      /requires containerFormat to register/,
    );
    expect(() => glanceCreateRequest(spec({ containerFormat: 'bare' }), 'standard', 'p')).toThrow(
      /requires diskFormat to register/,
    );
    expect(() => glanceCreateRequest(spec(), 'nhn', 'p')).toThrow(
      "requires diskFormat, containerFormat and os.type ('linux' or 'windows') to register",
    );
  });

  it('writes each dialect its own architecture key and spelling', () => {
    const os = { type: 'Linux', distro: 'ubuntu', version: '24.04', architecture: 'x86_64' };
    expect(glanceCreateRequest(spec({ ...FORMATS, os }), 'nhn', 'p')).toEqual({
      name: 'img',
      disk_format: 'qcow2',
      container_format: 'bare',
      os_type: 'linux',
      os_distro: 'ubuntu',
      os_version: '24.04',
      os_architecture: 'amd64',
    });
    expect(
      glanceCreateRequest(spec({ ...FORMATS, os: { ...os, architecture: 'arm64' } }), 'standard', 'p'),
    ).toMatchObject({
      architecture: 'aarch64',
    });
  });

  it("lets the spec's fields win over same-named properties", () => {
    const body = glanceCreateRequest(
      spec({
        ...FORMATS,
        properties: { os_distro: 'debian', hw_qemu_guest_agent: 'yes' },
        os: { ...spec().os, distro: 'rocky' },
      }),
      'standard',
      'p',
    );
    expect(body).toMatchObject({ name: 'img', os_distro: 'rocky', hw_qemu_guest_agent: 'yes' });
  });

  it('requires an NHN os.type of linux or windows, which a property may also give', () => {
    expect(() => glanceCreateRequest(spec(FORMATS), 'nhn', 'p')).toThrow(/requires os\.type/);
    expect(() => glanceCreateRequest(spec({ ...FORMATS, os: { ...spec().os, type: 'bsd' } }), 'nhn', 'p')).toThrow(
      /os\.type 'linux' or 'windows' only/,
    );
    expect(glanceCreateRequest(spec({ ...FORMATS, properties: { os_type: 'windows' } }), 'nhn', 'p')).toMatchObject({
      os_type: 'windows',
    });
  });
});
