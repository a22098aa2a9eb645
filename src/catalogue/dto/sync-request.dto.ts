/**
 * Body of POST /v1/providers/{name}/sync: nothing to set yet. Declared so that
 * a body with fields is refused by name rather than silently ignored.
 */
export class SyncRequestDto {}
