import type { UnreadableConnection } from '../connections/provider-connection.store';
import { capabilities, PROVIDER_OPERATIONS } from './capabilities';
import type { NormalizedImage } from './normalized-image';
import { CredentialsUnreadableError } from '../../platform/errors/provider.errors';
import type { ProviderAdapter } from './provider.port';
import type { ImageDownload, ImageMember } from './provider-writes';

/**
 * Stands in for the adapter of a connection whose credentials cannot be
 * decrypted, so the connection stays listed (as failing) and everything that
 * reaches it, an API call or a job, fails at once with an error that names
 * SECRETS_KEY and is never retried, while every other connection keeps working.
 * It declares every operation so callers get that error rather than a 501.
 */
export class UnreadableConnectionAdapter implements ProviderAdapter {
  readonly name: string;
  readonly kind: string;
  readonly regions: readonly string[];
  readonly capabilities = capabilities(PROVIDER_OPERATIONS);

  constructor(readonly unreadable: UnreadableConnection) {
    this.name = unreadable.name;
    this.kind = unreadable.kind;
    this.regions = unreadable.regions;
  }

  private refuse(): Promise<never> {
    return Promise.reject(new CredentialsUnreadableError(this.name, this.unreadable.reason));
  }

  // eslint-disable-next-line require-yield -- nothing is ever listed: the first step fails
  async *listImages(): AsyncIterable<NormalizedImage> {
    await this.refuse();
  }
  getImage(): Promise<NormalizedImage | null> {
    return this.refuse();
  }
  createImage(): Promise<NormalizedImage> {
    return this.refuse();
  }
  uploadImage(): Promise<NormalizedImage> {
    return this.refuse();
  }
  abortUpload(): Promise<NormalizedImage | null> {
    return this.refuse();
  }
  downloadImage(): Promise<ImageDownload> {
    return this.refuse();
  }
  updateImage(): Promise<NormalizedImage> {
    return this.refuse();
  }
  deleteImage(): Promise<void> {
    return this.refuse();
  }
  addTag(): Promise<void> {
    return this.refuse();
  }
  removeTag(): Promise<void> {
    return this.refuse();
  }
  listMembers(): Promise<ImageMember[]> {
    return this.refuse();
  }
  addMember(): Promise<ImageMember> {
    return this.refuse();
  }
  updateMember(): Promise<ImageMember> {
    return this.refuse();
  }
  removeMember(): Promise<void> {
    return this.refuse();
  }
}
