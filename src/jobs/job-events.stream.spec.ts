import type { Job } from '../platform/persistence/generated/client';
import { jobEventId } from './job-events.stream';

function job(overrides: Partial<Job>): Job {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    type: 'upload',
    state: 'queued',
    providerName: 'vietnix-hcm',
    imageId: null,
    dedupeKey: null,
    bytesDone: 0n,
    bytesTotal: null,
    attempts: 0,
    errorCode: null,
    errorMessage: null,
    payload: {},
    result: null,
    checkpoint: null,
    createdAt: new Date(1_000),
    updatedAt: new Date(1_000),
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

/** Ids compare number by number. */
function compare(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

describe("a job event's id", () => {
  it('is the same for the same state, whatever else of the row changed meanwhile', () => {
    const shown = { state: 'running' as const, startedAt: new Date(5_000), bytesDone: 42n, bytesTotal: 100n };
    expect(jobEventId(job({ ...shown, updatedAt: new Date(6_000), checkpoint: { a: 1 } }))).toBe(
      jobEventId(job({ ...shown, updatedAt: new Date(9_000) })),
    );
  });

  it('grows with every move of a job: started, progress, a retry, a worker handing it back, the next runs, the end', () => {
    const t1 = new Date(5_000);
    const t2 = new Date(8_000);
    const t3 = new Date(9_500);
    const moves = [
      job({}),
      job({ state: 'running', attempts: 1, startedAt: t1 }),
      job({ state: 'running', attempts: 1, startedAt: t1, bytesTotal: 100n }),
      job({ state: 'running', attempts: 1, startedAt: t1, bytesDone: 40n, bytesTotal: 100n }),
      // A retry pending: queued again, the error kept.
      job({ state: 'queued', attempts: 1, startedAt: t1, bytesDone: 40n, bytesTotal: 100n, errorCode: 'x' }),
      job({ state: 'running', attempts: 2, startedAt: t2, bytesDone: 0n, bytesTotal: 100n }),
      // A worker shutting down hands it back: the attempt is not counted.
      job({ state: 'queued', attempts: 1, startedAt: t2, bytesDone: 70n, bytesTotal: 100n }),
      job({ state: 'running', attempts: 2, startedAt: t3, bytesDone: 70n, bytesTotal: 100n }),
      job({ state: 'succeeded', attempts: 2, startedAt: t3, bytesDone: 100n, bytesTotal: 100n }),
    ].map(jobEventId);
    for (let i = 1; i < moves.length; i++) expect(compare(moves[i], moves[i - 1])).toBeGreaterThan(0);
    expect(moves[0]).toBe('0.0.0');
  });

  it('ends after the queued state of a job cancelled before it ran', () => {
    expect(compare(jobEventId(job({ state: 'cancelled' })), jobEventId(job({})))).toBeGreaterThan(0);
  });
});
