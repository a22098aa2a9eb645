import { BrokerProcess } from '../../harness/broker-process';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';
import { waitFor } from '../support/wait-for';

describe('the periodic catalogue sync', () => {
  let emulators: GlanceEmulator[] = [];
  let broker: BrokerProcess;

  beforeAll(async () => {
    const pair = await startGlancePair({ nhn: 10, standard: 10 });
    emulators = [pair.nhn, pair.standard];
    broker = await BrokerProcess.start({
      label: 'schedule',
      providersYaml: glanceProvidersYaml(pair.nhnUrl, pair.standardUrl),
      env: { NHN_TOKEN, SYNC_INTERVAL_SECONDS: '1' },
    });
  });
  afterAll(async () => {
    await broker?.stop();
    await Promise.all(emulators.map((e) => e.close()));
  });

  it('syncs every provider on its own, from the interval in the configuration', async () => {
    const deadline = Date.now() + 20_000;
    let providers: Array<{ name: string; health: string; imageCount: number }> = [];
    let synced = new Set<string>();
    // A sync marks its provider healthy while it runs and its job succeeded just after: wait for both.
    while (Date.now() < deadline) {
      providers = (await broker.api<{ items: typeof providers }>('/v1/providers')).body.items;
      const jobs = await broker.api<{ items: Array<{ type: string; provider: string; state: string }> }>(
        '/v1/jobs?type=sync&state=succeeded',
      );
      synced = new Set(jobs.body.items.map((j) => j.provider));
      if (providers.length === 2 && providers.every((p) => p.health === 'ok') && synced.size === 2) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(providers.map((p) => [p.name, p.health])).toEqual([
      ['nhn-kr1', 'ok'],
      ['vietnix-hcm', 'ok'],
    ]);
    expect(providers.every((p) => p.imageCount > 0)).toBe(true);
    expect(synced).toEqual(new Set(['nhn-kr1', 'vietnix-hcm']));
  });

  it('never runs two syncs of one provider at once, however often the schedule fires', async () => {
    type SyncJobs = { items: Array<{ provider: string; startedAt: string; finishedAt: string | null }> };
    const finishedRuns = (jobs: SyncJobs, provider: string) =>
      jobs.items.filter((j) => j.provider === provider && j.finishedAt).length;
    // The schedule fires every second: wait until it has run each provider a few times.
    await waitFor(
      async () => {
        const jobs = (await broker.api<SyncJobs>('/v1/jobs?type=sync&limit=500')).body;
        return ['nhn-kr1', 'vietnix-hcm'].every((provider) => finishedRuns(jobs, provider) >= 3);
      },
      30_000,
      250,
    );
    const { body } = await broker.api<SyncJobs>('/v1/jobs?type=sync&limit=500');
    for (const provider of ['nhn-kr1', 'vietnix-hcm']) {
      const runs = body.items
        .filter((j) => j.provider === provider && j.finishedAt)
        .map((j) => [Date.parse(j.startedAt), Date.parse(j.finishedAt!)] as const)
        .sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < runs.length; i++) expect(runs[i][0]).toBeGreaterThanOrEqual(runs[i - 1][1]);
    }
  });
});
