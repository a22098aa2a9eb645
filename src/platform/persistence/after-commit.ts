import { Logger } from '@nestjs/common';

/**
 * Work a listener asks to run once the transaction it was told in has
 * committed: telling other processes (a cache version bump, say) before the
 * commit would let a reader cache what the transaction is about to replace.
 */
export type AfterCommit = () => Promise<void>;

/** Collects the after-commit work of several listeners and runs it, never failing the committed change. */
export class AfterCommitWork {
  private readonly work: AfterCommit[] = [];

  add(work: AfterCommit | void): void {
    if (work) this.work.push(work);
  }

  async run(logger: Pick<Logger, 'warn'>): Promise<void> {
    for (const work of this.work.splice(0)) {
      await work().catch((error: unknown) => {
        logger.warn(`after a commit: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  }
}
