import { setFlagsFromString } from 'node:v8';

/**
 * V8 sizes the old generation after each full collection by a factor it
 * derives from how busy the collector was. A broker streaming gigabytes
 * allocates a buffer per socket read, and each full collection it triggers
 * makes the next factor smaller: measured on a worker pushing 1 GiB, the
 * factor fell to about 1.2 and V8 ran a full collection every 100 ms for
 * the whole push (70 of them, 4–6 CPU seconds, a third of the push's time).
 * A fixed factor of 2 ends that spiral (2–4 collections, about 1 CPU second)
 * and costs no peak memory measured: the live heap is some 50 MiB, and V8's
 * own factor for a quiet heap is up to 4.
 *
 * It is a V8 flag NODE_OPTIONS does not accept; V8 reads it at every full
 * collection, so setting it first thing at start-up covers the whole run.
 */
export const HEAP_GROWTH_FLAG = '--heap-growing-percent=100';

export function fixHeapGrowth(): void {
  setFlagsFromString(HEAP_GROWTH_FLAG);
}
