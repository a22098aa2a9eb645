import type { SkippedRow } from '../catalogue-writer.service';
import { printable } from '../storable-image';

/** Reasons kept on a sync job's result; the count covers every skipped row. */
export const MAX_REPORTED_SKIPS = 10;

/** One skipped upstream image as the sync job's result shows it. */
export interface SkippedRowReport {
  nativeId: string;
  region: string;
  /** The catalogue field that could not be stored; null when the database refused the row as a whole. */
  field: string | null;
  reason: string;
}

/**
 * The rows a sync left out: how many, and the first few with why. What it
 * holds goes into the job's result (jsonb), so native ids are made printable
 * first: an id that carries a NUL is exactly what could not be stored.
 */
export class SyncSkipReport {
  count = 0;
  readonly first: SkippedRowReport[] = [];

  add(rows: readonly SkippedRow[]): void {
    for (const { image, field, reason } of rows) {
      this.count += 1;
      if (this.first.length < MAX_REPORTED_SKIPS) {
        this.first.push({ nativeId: printable(image.nativeId), region: printable(image.region), field, reason });
      }
    }
  }
}
