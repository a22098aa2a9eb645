import { randomBytes } from 'node:crypto';
import { BrokerProcess } from '../../harness/broker-process';
import { connectDatabase } from '../../harness/isolated-resources';
import { SecretsCipher } from '../../src/providers/connections/secrets-cipher';
import { createGenesisEmulator } from '../../src/providers/kinds/genesis-cloud/emulator/genesis.emulator';
import { generateGenesisSeed } from '../../src/providers/kinds/genesis-cloud/emulator/genesis-seed';

const GENESIS_SECRET = `genesis-secret-${randomBytes(8).toString('hex')}`;
const OLD_KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);

interface Provider {
  name: string;
  health: string;
  lastError: string | null;
}

describe('SECRETS_KEY changes and rotations', () => {
  let genesis: ReturnType<typeof createGenesisEmulator>;
  let broker: BrokerProcess;

  async function restartWith(env: Record<string, string>): Promise<void> {
    broker.signal('SIGTERM');
    await broker.waitForExit();
    delete broker.env.SECRETS_KEY_PREVIOUS;
    Object.assign(broker.env, env);
    broker.output = '';
    broker.launch();
    await broker.waitUntilReady();
  }

  async function provider(name: string): Promise<Provider | undefined> {
    return (await broker.api<{ items: Provider[] }>('/v1/providers')).body.items.find((p) => p.name === name);
  }

  async function syncAndWait(name: string) {
    const { status, body } = await broker.api<{ id: string }>(`/v1/providers/${name}/sync`, { method: 'POST' });
    expect(status).toBe(202);
    return broker.waitForJob(body.id);
  }

  async function storedCredentials(name: string): Promise<Buffer> {
    const db = await connectDatabase(broker.databaseUrl);
    try {
      const { rows } = await db.query<{ credentials: Buffer }>(
        'SELECT credentials FROM provider_connections WHERE name = $1',
        [name],
      );
      return rows[0].credentials;
    } finally {
      await db.end();
    }
  }

  beforeAll(async () => {
    genesis = createGenesisEmulator({ tokens: [GENESIS_SECRET], images: generateGenesisSeed({ count: 5, seed: 4 }) });
    const genesisUrl = await genesis.listen();
    broker = await BrokerProcess.start({
      label: 'secretskey',
      providersYaml: `providers:\n  - name: genesis-file\n    kind: genesis-cloud\n    endpoint: ${genesisUrl}\n    auth: { type: bearer, token: "${GENESIS_SECRET}" }\n`,
      env: { SECRETS_KEY: OLD_KEY.toString('base64') },
    });
    const created = await broker.api('/v1/providers', {
      method: 'POST',
      body: {
        name: 'genesis-api',
        kind: 'genesis-cloud',
        endpoint: genesisUrl,
        maxRetries: 1,
        auth: { type: 'bearer', token: GENESIS_SECRET },
      },
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await broker?.stop();
    await genesis?.close();
  });

  it('starts with another SECRETS_KEY and lists the connection it cannot decrypt as failing, naming SECRETS_KEY', async () => {
    await restartWith({ SECRETS_KEY: NEW_KEY.toString('base64') });

    const sealed = await provider('genesis-api');
    expect(sealed).toMatchObject({ health: 'failing' });
    expect(sealed?.lastError).toContain('SECRETS_KEY');
    expect(JSON.stringify(sealed)).not.toContain(GENESIS_SECRET);

    // Its jobs fail at once, never retried, with an error that says why; the other connection works.
    const failed = await syncAndWait('genesis-api');
    expect(failed).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'credentials_unreadable' } });
    expect(failed.error?.message).toContain('SECRETS_KEY');
    expect((await syncAndWait('genesis-file')).state).toBe('succeeded');

    // A change that keeps the lost credentials is refused, naming the key; new credentials replace them.
    const patched = await broker.api<{ detail: string }>('/v1/providers/genesis-api', {
      method: 'PATCH',
      body: { maxRetries: 2 },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(patched.status).toBe(409);
    expect(patched.body.detail).toContain('SECRETS_KEY');
    expect(broker.output).not.toContain(GENESIS_SECRET);
  });

  it('rotates: with the old key as SECRETS_KEY_PREVIOUS the credentials are read and sealed again under the new key', async () => {
    await restartWith({ SECRETS_KEY: NEW_KEY.toString('base64'), SECRETS_KEY_PREVIOUS: OLD_KEY.toString('base64') });
    expect((await syncAndWait('genesis-api')).state).toBe('succeeded');
    expect((await provider('genesis-api'))?.health).toBe('ok');

    // Sealed again: the new key opens them, the old one alone no longer does.
    const credentials = await storedCredentials('genesis-api');
    expect(JSON.parse(new SecretsCipher(NEW_KEY).decrypt(credentials, 'genesis-api'))).toMatchObject({
      token: GENESIS_SECRET,
    });
    expect(() => new SecretsCipher(OLD_KEY).decrypt(credentials, 'genesis-api')).toThrow();

    // So the previous key can go.
    await restartWith({ SECRETS_KEY: NEW_KEY.toString('base64') });
    expect((await provider('genesis-api'))?.health).toBe('ok');
    expect((await syncAndWait('genesis-api')).state).toBe('succeeded');
  });

  it('refuses to start with a SECRETS_KEY_PREVIOUS that is not a 32-byte key, naming it', async () => {
    const bad = await BrokerProcess.prepare({
      label: 'badprevious',
      env: { SECRETS_KEY: NEW_KEY.toString('base64'), SECRETS_KEY_PREVIOUS: 'c2hvcnQ=' },
    });
    try {
      bad.launch();
      expect(await bad.waitForExit()).toBe(2);
      expect(bad.output).toContain('SECRETS_KEY_PREVIOUS must be 32 bytes');
    } finally {
      await bad.stop();
    }
  });
});
