import { scalarText } from './payload-values';

const VERSION_SUFFIX = '_version';

/**
 * Software versions from `<name>_version` keys of a flat payload: `cuda_version: "12.4"`
 * → `{cuda: "12.4"}`; numbers are kept as written. Keys in `notSoftware` describe
 * something else (the OS, the GPU driver) and are skipped. Null when there are none.
 */
export function softwareVersionsFromKeys(
  record: Readonly<Record<string, unknown>>,
  notSoftware: ReadonlySet<string>,
): Record<string, string> | null {
  let versions: Record<string, string> | null = null;
  for (const key in record) {
    if (!key.endsWith(VERSION_SUFFIX) || notSoftware.has(key)) continue;
    const name = key.slice(0, -VERSION_SUFFIX.length);
    const version = scalarText(record[key]);
    if (name === '' || version === null) continue;
    versions ??= {};
    versions[name] = version;
  }
  return versions;
}
