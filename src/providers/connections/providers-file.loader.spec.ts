import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '../../platform/config/config.errors';
import { loadProvidersFile } from './providers-file.loader';
import { PROVIDER_KINDS } from '../kinds/provider-kinds';

function fileWith(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'providers-')), 'providers.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('PROVIDERS_FILE loading', () => {
  it('reads the example of CONTRACT.md, resolving ${env:NAME} from the environment', () => {
    const file = fileWith(`providers:
  - name: nhn-kr1
    kind: openstack-glance
    dialect: nhn
    endpoint: https://kr1-api-image-infrastructure.nhncloudservice.com
    region: kr1
    auth: { type: token, token: "\${env:NHN_TOKEN}" }
  - name: fpt-hcm
    kind: fpt-metal-cloud
    endpoint: https://console-api.fptcloud.com
    vpcId: 0f6c1f2e-3b4a-4d5e-8f90-123456789abc
    auth: { type: bearer, token: "\${env:FPT_TOKEN}" }
  - name: genesis
    kind: genesis-cloud
    endpoint: https://api.genesiscloud.com
    auth: { type: bearer, token: "\${env:GENESIS_TOKEN}" }
  - name: nscale-eu
    kind: nscale
    endpoint: https://region.nks.europe-west4.nscale.com
    regions: [2b3a9b56-4c2f-4a6b-9a55-7a8e4c1b9d01]
    organizationId: 9f1c2d3e-aaaa-bbbb-cccc-0123456789ab
    auth: { type: oauth2-client-credentials, tokenUrl: "https://identity.nscale.com/oauth2/token", clientId: broker, clientSecret: "\${env:NSCALE_SECRET}" }
`);
    const env = { NHN_TOKEN: 'nhn-t', FPT_TOKEN: 'fpt-t', GENESIS_TOKEN: 'gen-t', NSCALE_SECRET: 'ns-s' };
    const connections = loadProvidersFile(file, env, PROVIDER_KINDS);
    expect(connections.map((c) => c.name)).toEqual(['nhn-kr1', 'fpt-hcm', 'genesis', 'nscale-eu']);
    expect(connections[0].auth).toEqual({ type: 'token', token: 'nhn-t' });
    expect(connections[3].auth).toMatchObject({ clientSecret: 'ns-s' });
  });

  it('names the file, the entry and the field of every problem', () => {
    const file = fileWith(`providers:
  - name: good
    kind: openstack-glance
    dialect: nhn
    endpoint: https://glance.example.com
    auth: { type: token, token: abc }
  - name: bad-one
    kind: openstack-glance
    dialect: klingon
    endpoint: not a url
    auth: { type: token }
`);
    let message = '';
    try {
      loadProvidersFile(file, {}, PROVIDER_KINDS);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      message = (error as Error).message;
    }
    expect(message).toContain(file);
    expect(message).toContain("providers[1] (name 'bad-one'): dialect:");
    expect(message).toContain("providers[1] (name 'bad-one'): endpoint:");
    expect(message).toContain("providers[1] (name 'bad-one'): auth.token:");
    expect(message).not.toContain('providers[0]');
  });

  it('says which ${env:NAME} is missing from the environment', () => {
    const file = fileWith(`providers:
  - name: g
    kind: genesis-cloud
    endpoint: https://api.genesiscloud.com
    auth: { type: bearer, token: "\${env:GENESIS_TOKEN}" }
`);
    expect(() => loadProvidersFile(file, {}, PROVIDER_KINDS)).toThrow(
      /providers\[0\] \(name 'g'\): auth\.token: \$\{env:GENESIS_TOKEN\} is not set/,
    );
  });

  it('refuses an unknown field, a duplicate name, and an auth type the kind does not speak', () => {
    const file = fileWith(`providers:
  - name: a
    kind: genesis-cloud
    endpoint: https://api.genesiscloud.com
    colour: blue
    auth: { type: bearer, token: t }
  - name: a
    kind: genesis-cloud
    endpoint: https://api.genesiscloud.com
    auth: { type: bearer, token: t }
  - name: b
    kind: genesis-cloud
    endpoint: https://api.genesiscloud.com
    auth: { type: keystone, authUrl: "https://k", username: u, password: p, projectId: x }
`);
    expect(() => loadProvidersFile(file, {}, PROVIDER_KINDS)).toThrow(
      /providers\[0\] \(name 'a'\): colour: colour is not a known field/,
    );
    try {
      loadProvidersFile(file, {}, PROVIDER_KINDS);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain(
        "providers[2] (name 'b'): auth.type: auth.type must be one of bearer for kind genesis-cloud",
      );
    }
  });

  it('refuses a file without a providers list, and one that is not YAML', () => {
    expect(() => loadProvidersFile(fileWith('nothing: here\n'), {}, PROVIDER_KINDS)).toThrow(
      /top-level 'providers' list/,
    );
    expect(() => loadProvidersFile(fileWith('providers: [\n'), {}, PROVIDER_KINDS)).toThrow(/not valid YAML/);
    expect(() => loadProvidersFile('/no/such/file.yaml', {}, PROVIDER_KINDS)).toThrow(
      /\/no\/such\/file.yaml: cannot be read/,
    );
  });
});
