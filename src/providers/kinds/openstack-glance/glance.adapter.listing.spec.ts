import type { GlanceConnection } from '../../connections/provider-connection.types';
import type { NormalizedImage } from '../../port/normalized-image';
import { createGlanceEmulator, type GlanceEmulator } from './emulator/glance.emulator';
import type { GlanceImageInit, GlanceVisibility } from './emulator/glance.types';
import { GlanceAdapter } from './glance.adapter';

/**
 * The sync's listing against the Glance emulator, which leaves community images
 * out of the default list as the Image API reference says Glance does.
 */

const PROJECT = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const OTHER = 'f33507157a634f1cac71e06a70fb558e';
const TOKEN = 'static-token';
const USER = { username: 'broker', password: 'broker-password' };

const running: GlanceEmulator[] = [];
afterAll(async () => {
  await Promise.all(running.map((emulator) => emulator.close()));
});

function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function image(n: number, visibility: GlanceVisibility, owner = PROJECT): GlanceImageInit {
  const at = `2024-01-${String(n).padStart(2, '0')}T00:00:00Z`;
  return { id: uuid(n), name: `image-${n}`, status: 'active', visibility, owner, created_at: at, updated_at: at };
}

interface Glance {
  emulator: GlanceEmulator;
  url: string;
}

async function startGlance(dialect: GlanceConnection['dialect'], images: GlanceImageInit[]): Promise<Glance> {
  const emulator = createGlanceEmulator({
    dialect,
    owner: PROJECT,
    tokens: [TOKEN],
    keystone: { ...USER, projectId: PROJECT, projectName: 'broker-project' },
    images,
  });
  running.push(emulator);
  return { emulator, url: await emulator.listen(0) };
}

function adapterFor(
  { url }: Glance,
  dialect: GlanceConnection['dialect'],
  auth: GlanceConnection['auth'],
  pageSize = 2,
): GlanceAdapter {
  return new GlanceAdapter(
    { name: 'glance', kind: 'openstack-glance', dialect, endpoint: url, region: 'r1', auth },
    { pageSize, http: { sleep: async () => undefined } },
  );
}

async function nativeIds(images: AsyncIterable<NormalizedImage>): Promise<string[]> {
  const ids: string[] = [];
  for await (const image of images) ids.push(image.nativeId);
  return ids;
}

describe('GlanceAdapter listing: os_hidden images', () => {
  it('lists the images an operator hid, which the default list leaves out, on the standard dialect', async () => {
    const hidden = (n: number, visibility: GlanceVisibility, owner = PROJECT) => ({
      ...image(n, visibility, owner),
      os_hidden: true,
    });
    const glance = await startGlance('standard', [
      image(1, 'private'),
      hidden(2, 'public', OTHER),
      hidden(3, 'community'),
      hidden(4, 'community', OTHER),
    ]);

    const ids = await nativeIds(adapterFor(glance, 'standard', { type: 'token', token: TOKEN }).listImages());

    expect(ids.sort()).toEqual([uuid(1), uuid(2), uuid(3)]);
  });
});

describe('GlanceAdapter listing: community images', () => {
  const seeded = [
    image(1, 'private'),
    image(2, 'public', OTHER),
    image(3, 'community'),
    image(4, 'community'),
    image(5, 'community'),
    image(6, 'community', OTHER),
    image(7, 'shared'),
  ];

  it('lists the own community images the default list leaves out, across pages, once each', async () => {
    const glance = await startGlance('standard', seeded);
    const keystone = (projectId?: string): GlanceConnection['auth'] => ({
      type: 'keystone',
      authUrl: `${glance.url}/v3`,
      ...USER,
      ...(projectId ? { projectId } : { projectName: 'broker-project' }),
    });

    for (const auth of [keystone(PROJECT), keystone()]) {
      const ids = await nativeIds(adapterFor(glance, 'standard', auth).listImages());
      expect(ids.sort()).toEqual([uuid(1), uuid(2), uuid(3), uuid(4), uuid(5), uuid(7)]);
    }
  });

  it('learns the project from an own private image when the connection has a static token', async () => {
    const glance = await startGlance('standard', seeded);

    const ids = await nativeIds(adapterFor(glance, 'standard', { type: 'token', token: TOKEN }).listImages());

    expect(ids.sort()).toEqual([uuid(1), uuid(2), uuid(3), uuid(4), uuid(5), uuid(7)]);
  });

  it('still lists an image after it was patched to community visibility', async () => {
    const glance = await startGlance('standard', [image(1, 'private'), image(2, 'shared')]);
    const adapter = adapterFor(glance, 'standard', { type: 'token', token: TOKEN });

    const patched = await adapter.updateImage(uuid(2), { visibility: 'community' });

    expect(patched.visibility).toBe('community');
    expect((await nativeIds(adapter.listImages())).sort()).toEqual([uuid(1), uuid(2)]);
  });

  it('asks NHN for its default list only, as NHN has no community visibility', async () => {
    const glance = await startGlance('nhn', [image(1, 'private'), image(2, 'shared')]);

    const ids = await nativeIds(adapterFor(glance, 'nhn', { type: 'token', token: TOKEN }).listImages());

    expect(ids.sort()).toEqual([uuid(1), uuid(2)]);
  });
});
