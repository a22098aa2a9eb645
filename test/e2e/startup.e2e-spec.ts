import { BrokerProcess } from '../../harness/broker-process';
import { connectDatabase } from '../../harness/isolated-resources';

describe('start-up and shutdown', () => {
  it('refuses to start on a bad providers file, naming the file, the entry and the field', async () => {
    const broker = await BrokerProcess.prepare({
      label: 'badfile',
      providersYaml:
        'providers:\n  - name: Bad_Name\n    kind: openstack-glance\n    dialect: nhn\n    endpoint: https://x.example\n    auth: { type: token, token: t }\n',
    });
    broker.launch();
    expect(await broker.waitForExit()).toBe(2);
    expect(broker.output).toContain(broker.env.PROVIDERS_FILE);
    expect(broker.output).toContain("providers[0] (name 'Bad_Name'): name: name must match [a-z0-9-]");
    await broker.stop();
  });

  it('refuses to migrate on a bad providers file, before touching the database, naming the entry and the field', async () => {
    const migration = await BrokerProcess.prepare({
      label: 'badfilemigrate',
      entry: 'dist/src/migrate.js',
      providersYaml:
        'providers:\n  - name: vpc-less\n    kind: fpt-metal-cloud\n    endpoint: https://x.example\n    auth: { type: bearer, token: t }\n',
    });
    migration.launch();
    expect(await migration.waitForExit()).toBe(2);
    expect(migration.output).toContain('image-broker migration failed: PROVIDERS_FILE');
    expect(migration.output).toContain("providers[0] (name 'vpc-less'): vpcId:");
    expect(migration.output).not.toContain('migrations:');
    // The database it would have created is not there.
    await expect(connectDatabase(migration.databaseUrl)).rejects.toThrow(/does not exist/);
    await migration.stop();
  });

  it('refuses to start on an invalid environment variable, naming it', async () => {
    const broker = await BrokerProcess.prepare({ label: 'badenv', env: { ROLE: 'chef', SECRETS_KEY: 'short' } });
    broker.launch();
    expect(await broker.waitForExit()).toBe(2);
    expect(broker.output).toMatch(/ROLE must be one of the following values: api, worker, all/);
    await broker.stop();
  });

  it('creates its missing database, migrates it, and exits cleanly on SIGTERM', async () => {
    const broker = await BrokerProcess.start({ label: 'lifecycle' });
    try {
      const db = await connectDatabase(broker.databaseUrl);
      try {
        const migrations = await db.query(
          'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL',
        );
        expect(migrations.rowCount).toBeGreaterThanOrEqual(1);
      } finally {
        await db.end();
      }
      broker.signal('SIGTERM');
      expect(await broker.waitForExit(15_000)).toBe(0);
    } finally {
      await broker.stop();
    }
  });

  it('runs as a worker alone, serving only its health probes', async () => {
    const broker = await BrokerProcess.start({ label: 'workeronly', role: 'worker' });
    try {
      expect((await broker.api('/health/ready', { secret: null })).status).toBe(200);
      expect((await broker.api('/v1/images')).status).toBe(404);
    } finally {
      await broker.stop();
    }
  });
});
