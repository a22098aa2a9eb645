/**
 * The INSERT … SELECT that records what a sync changed in the event feed,
 * set-based: one statement for a batch of 500 rows or for every row a listing
 * no longer held, where appending through EventLog row by row doubled a full
 * sync's time. It writes the columns EventLog.append writes (`tx_id` and `at`
 * come from their defaults, so the feed's visibility rule holds) from a CTE
 * named `changed` with the columns id (uuid), region, native_id, name, sha256,
 * previous_sha256 and kind (appeared, changed, vanished).
 *
 * Events: `image.{kind}` about `images/{id}`, ordered per provider (the
 * ordering key), data `{id, provider, region, nativeId, name, sha256,
 * previousSha256?}` (previousSha256 on `image.changed`; a vanished image's
 * sha256 is its last known one).
 */
export function imageEventsInsert(providerParam: string): string {
  const provider = `${providerParam}::text`;
  return `INSERT INTO events (type, subject, ordering_key, data)
    SELECT 'image.' || c.kind, 'images/' || c.id::text, ${provider},
      jsonb_build_object('id', c.id, 'provider', ${provider}, 'region', c.region, 'nativeId', c.native_id,
        'name', c.name, 'sha256', CASE WHEN c.kind = 'vanished' THEN c.previous_sha256 ELSE c.sha256 END)
      || CASE WHEN c.kind = 'changed' THEN jsonb_build_object('previousSha256', c.previous_sha256) ELSE '{}'::jsonb END
    FROM changed c`;
}
