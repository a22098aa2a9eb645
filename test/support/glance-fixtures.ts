import { createGlanceEmulator } from '../../src/providers/kinds/openstack-glance/emulator/glance.emulator';
import { generateGlanceSeed } from '../../src/providers/kinds/openstack-glance/emulator/glance-seed';

export const NHN_TOKEN = 'nhn-static-token-for-tests';
export const KEYSTONE_USER = {
  username: 'broker',
  password: 'broker-password',
  projectId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
};

export type GlanceEmulator = ReturnType<typeof createGlanceEmulator>;

/** An NHN-dialect Glance with a static token, and a standard Glance behind Keystone, both seeded. */
export async function startGlancePair(counts = { nhn: 120, standard: 130 }): Promise<{
  nhn: GlanceEmulator;
  standard: GlanceEmulator;
  nhnUrl: string;
  standardUrl: string;
}> {
  const nhnOwner = 'c289b99209ca4e189095cdecebbd092d';
  const nhn = createGlanceEmulator({
    dialect: 'nhn',
    tokens: [NHN_TOKEN],
    owner: nhnOwner,
    images: generateGlanceSeed({ dialect: 'nhn', count: counts.nhn, seed: 11, owner: nhnOwner, region: 'kr1' }),
  });
  const standard = createGlanceEmulator({
    dialect: 'standard',
    keystone: { ...KEYSTONE_USER },
    owner: KEYSTONE_USER.projectId,
    images: generateGlanceSeed({
      dialect: 'standard',
      count: counts.standard,
      seed: 22,
      owner: KEYSTONE_USER.projectId,
      region: 'hcm1',
    }),
  });
  const [nhnUrl, standardUrl] = await Promise.all([nhn.listen(), standard.listen()]);
  return { nhn, standard, nhnUrl, standardUrl };
}

export function glanceProvidersYaml(nhnUrl: string, standardUrl: string, extra = ''): string {
  return `providers:
  - name: nhn-kr1
    kind: openstack-glance
    dialect: nhn
    endpoint: ${nhnUrl}
    region: kr1
    maxRetries: 1
    timeoutMs: 5000
    auth: { type: token, token: "\${env:NHN_TOKEN}" }
  - name: vietnix-hcm
    kind: openstack-glance
    dialect: standard
    endpoint: ${standardUrl}
    region: hcm1
    auth:
      type: keystone
      authUrl: ${standardUrl}/v3
      username: ${KEYSTONE_USER.username}
      password: ${KEYSTONE_USER.password}
      projectId: ${KEYSTONE_USER.projectId}
${extra}`;
}

/** One NHN connection (nhn-kr1) at `url`, without retries: each refused call shows at once. */
export function nhnOnlyProvidersYaml(url: string): string {
  return `providers:
  - name: nhn-kr1
    kind: openstack-glance
    dialect: nhn
    endpoint: ${url}
    region: kr1
    maxRetries: 0
    auth: { type: token, token: "\${env:NHN_TOKEN}" }
`;
}

/**
 * Every image a Glance lists for the token's project, read straight from the emulator, not through the broker:
 * the default list and, as it leaves them out, the os_hidden images (`extraListings` adds more, e.g. community).
 */
export async function listUpstream(
  baseUrl: string,
  headers: Record<string, string>,
  extraListings: string[] = ['os_hidden=true'],
): Promise<Array<Record<string, unknown>>> {
  const images: Array<Record<string, unknown>> = [];
  for (const listing of ['', ...extraListings]) {
    let next: string | undefined = `/v2/images?limit=50${listing ? `&${listing}` : ''}`;
    while (next) {
      const res = await fetch(new URL(next, baseUrl), { headers });
      if (!res.ok) throw new Error(`upstream list answered ${res.status}`);
      const body = (await res.json()) as { images: Array<Record<string, unknown>>; next?: string };
      images.push(...body.images);
      next = body.next;
    }
  }
  return images;
}

export async function keystoneToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: KEYSTONE_USER.username, domain: { name: 'Default' }, password: KEYSTONE_USER.password },
          },
        },
        scope: { project: { id: KEYSTONE_USER.projectId } },
      },
    }),
  });
  const token = res.headers.get('x-subject-token');
  if (res.status !== 201 || !token) throw new Error(`keystone answered ${res.status}`);
  return token;
}
