import type { GlanceImageStore } from './glance-image.store';
import type { GlanceImageRecord, GlanceMemberRecord } from './glance.types';
import { forbidden, notFound } from './glance-errors';

/** Who may see what, following Glance's non-admin policy. */

export function membershipOf(image: GlanceImageRecord, project: string): GlanceMemberRecord | undefined {
  return image.members.find((m) => m.member_id === project);
}

/** Visible at all (GET by id works): public, community, owned, or shared with the caller in any member status. */
export function canSee(image: GlanceImageRecord, project: string): boolean {
  if (image.owner === project) return true;
  if (image.visibility === 'public' || image.visibility === 'community') return true;
  return image.visibility === 'shared' && membershipOf(image, project) !== undefined;
}

/**
 * In the image list when no visibility filter is given: public images, our own
 * private and shared ones, and shares we accepted. Community images stay out,
 * our own included, as the Image API reference states the default list ("public,
 * private, and those shared images with a member status of accepted") and as
 * Glance releases before the owner exception behave; only `visibility=community`
 * lists them. Unaccepted shares stay out too.
 */
export function inDefaultList(image: GlanceImageRecord, project: string): boolean {
  if (image.visibility === 'community') return false;
  if (image.owner === project) return true;
  if (image.visibility === 'public') return true;
  return image.visibility === 'shared' && membershipOf(image, project)?.status === 'accepted';
}

export function findVisibleImage(store: GlanceImageStore, id: string, project: string): GlanceImageRecord {
  const image = store.get(id);
  if (!image || !canSee(image, project)) throw notFound(`No image found with ID ${id}`);
  return image;
}

/** Only the owner writes; everyone else who can see the image gets 403 (those who cannot, 404). */
export function findOwnedImage(
  store: GlanceImageStore,
  id: string,
  project: string,
  action: string,
): GlanceImageRecord {
  const image = findVisibleImage(store, id, project);
  if (image.owner !== project) throw forbidden(`You are not permitted to ${action} this image.`);
  return image;
}
