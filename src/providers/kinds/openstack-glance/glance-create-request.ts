import type { GlanceConnection } from '../../connections/provider-connection.types';
import type { CreateImageSpec } from '../../port/provider-writes';
import { ProviderRejectedError } from '../../../platform/errors/provider.errors';
import { normalizeArchitecture, osType } from '../shared/os-normalization';
import { assertPropertyKeys, assertVisibilityAllowed } from './glance-write-rules';

type Dialect = GlanceConnection['dialect'];

/**
 * Architecture as each dialect writes it: NHN's own images say `amd64`
 * (Debian style, so arm is `arm64`); standard Glance uses Nova's libosinfo
 * names, which are the normalized ones (x86_64, aarch64).
 */
const NHN_ARCHITECTURES: Readonly<Record<string, string>> = { x86_64: 'amd64', aarch64: 'arm64' };

/**
 * CreateImageSpec → the `POST /v2/images` body. Custom properties become
 * top-level string keys (that is where Glance stores them, on NHN too); the
 * spec's own fields are set after them, so they win over a same-named property.
 * `region` is not sent: a Glance connection serves one region. `sizeBytes` and
 * `sha256` are not sent either: Glance computes size and hashes from the data.
 */
export function glanceCreateRequest(
  spec: CreateImageSpec,
  dialect: Dialect,
  provider: string,
): Record<string, unknown> {
  assertRequiredFields(spec, dialect, provider);
  assertPropertyKeys(provider, Object.keys(spec.properties));
  if (spec.visibility !== null) assertVisibilityAllowed(provider, dialect, spec.visibility);

  const body: Record<string, unknown> = { ...spec.properties, name: spec.name };
  // Glance takes a client-chosen id; a second create with it answers 409 instead of making another image.
  if (spec.clientId !== undefined) body.id = spec.clientId.toLowerCase();
  setIfPresent(body, 'container_format', spec.containerFormat);
  setIfPresent(body, 'disk_format', spec.diskFormat);
  setIfPresent(body, 'visibility', spec.visibility);
  setIfPresent(body, 'min_disk', spec.minDiskGiB);
  setIfPresent(body, 'min_ram', spec.minRamMiB);
  setIfPresent(body, 'protected', spec.protected);
  if (spec.tags.length > 0) body.tags = [...spec.tags];

  const type = spec.os.type === null ? null : (osType(spec.os.type) ?? spec.os.type);
  setIfPresent(body, 'os_type', type);
  setIfPresent(body, 'os_distro', spec.os.distro);
  setIfPresent(body, 'os_version', spec.os.version);
  const architecture = spec.os.architecture === null ? null : normalizeArchitecture(spec.os.architecture);
  if (architecture !== null) {
    if (dialect === 'nhn') body.os_architecture = NHN_ARCHITECTURES[architecture] ?? architecture;
    else body.architecture = architecture;
  }

  if (dialect === 'nhn') assertNhnOsType(body.os_type, provider);
  return body;
}

/**
 * What a registration must state, named by our fields, before any call:
 * Glance creates an image without formats but refuses its data until
 * `disk_format` and `container_format` are both set ("Properties disk_format,
 * container_format must be set prior to saving data."), and the broker does
 * not guess a format (a wrong one makes an image that does not boot). NHN
 * also refuses an image without `os_type`, which a property may give.
 */
function assertRequiredFields(spec: CreateImageSpec, dialect: Dialect, provider: string): void {
  const missing: string[] = [];
  if (spec.diskFormat === null) missing.push('diskFormat');
  if (spec.containerFormat === null) missing.push('containerFormat');
  if (dialect === 'nhn' && spec.os.type === null && spec.properties.os_type === undefined) {
    missing.push("os.type ('linux' or 'windows')");
  }
  if (missing.length === 0) return;
  const cloud = dialect === 'nhn' ? 'NHN Cloud' : 'OpenStack Glance';
  const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
  throw new ProviderRejectedError(
    provider,
    `Provider '${provider}' (${cloud}) requires ${list} to register an image` +
      (spec.diskFormat === null || spec.containerFormat === null
        ? ': Glance takes no image data until its disk and container formats are set'
        : ''),
  );
}

/** NHN takes os_type windows or linux only: say so before Glance does, naming our field. */
function assertNhnOsType(value: unknown, provider: string): void {
  if (value !== 'linux' && value !== 'windows') {
    throw new ProviderRejectedError(
      provider,
      `Provider '${provider}' (NHN Cloud) accepts os.type 'linux' or 'windows' only, not '${String(value)}'`,
    );
  }
}

function setIfPresent(body: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== null && value !== undefined) body[key] = value;
}
