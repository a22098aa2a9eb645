import { Injectable } from '@nestjs/common';
import { CatalogueVersion } from '../platform/coordination/coordination.module';

import type { Image } from '../platform/persistence/generated/client';
import { PrismaService } from '../platform/persistence/prisma.service';
import type { ImageVisibility } from '../providers/port/normalized-image';
import { operation, type ProviderAdapter } from '../providers/port/provider.port';
import { ProviderRegistry } from '../providers/port/provider-registry.service';
import type { ImageMember, MemberStatus } from '../providers/port/provider-writes';
import { CatalogueChangeListeners } from './catalogue-change-listeners';
import { CatalogueWriter } from './catalogue-writer.service';
import type { ImageDto } from './dto/image.dto';
import type { ImageMemberDto } from './dto/image-member.dto';
import type { UpdateImageDto } from './dto/update-image.dto';
import { ImagesService } from './images.service';

/**
 * Changes to an image made through the broker: carried out at the provider
 * first, then the catalogue row follows what the provider now says.
 */
@Injectable()
export class ImageChangesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: ProviderRegistry,
    private readonly writer: CatalogueWriter,
    private readonly version: CatalogueVersion,
    private readonly images: ImagesService,
    private readonly changes: CatalogueChangeListeners,
  ) {}

  async update(id: string, patch: UpdateImageDto): Promise<ImageDto> {
    const { row, adapter } = await this.target(id);
    const updated = await operation(
      adapter,
      'update',
      'updateImage',
    )(row.nativeId, {
      ...patch,
      visibility: patch.visibility as ImageVisibility | undefined,
    });
    await this.record(adapter, updated.region === '' ? { ...updated, region: row.region } : updated);
    return this.images.get(id);
  }

  async delete(id: string): Promise<void> {
    const { row, adapter } = await this.target(id);
    await operation(adapter, 'delete', 'deleteImage')(row.nativeId);
    // Those who follow the catalogue hear of it as of a sync that found it gone (a family's copy drifts).
    const after = await this.prisma.$transaction(async (tx) => {
      await tx.image.update({
        where: { id },
        data: { status: 'deleted', nativeStatus: 'deleted', syncedAt: new Date() },
      });
      const vanished = { kind: 'vanished' as const, imageId: id, providerName: row.providerName, region: row.region };
      return this.changes.notify(tx, [
        { ...vanished, nativeId: row.nativeId, sha256: null, previousSha256: row.sha256 },
      ]);
    });
    await this.changes.committed(after);
    await this.version.bump();
  }

  async addTag(id: string, tag: string): Promise<ImageDto> {
    const { row, adapter } = await this.target(id);
    await operation(adapter, 'tags', 'addTag')(row.nativeId, tag);
    return this.refresh(adapter, row);
  }

  async removeTag(id: string, tag: string): Promise<ImageDto> {
    const { row, adapter } = await this.target(id);
    await operation(adapter, 'tags', 'removeTag')(row.nativeId, tag);
    return this.refresh(adapter, row);
  }

  async members(id: string): Promise<ImageMemberDto[]> {
    const { row, adapter } = await this.target(id);
    return (await operation(adapter, 'members', 'listMembers')(row.nativeId)).map(presentMember);
  }

  async member(id: string, memberId: string): Promise<ImageMemberDto> {
    const { row, adapter } = await this.target(id);
    return presentMember(await operation(adapter, 'members', 'getMember')(row.nativeId, memberId));
  }

  async addMember(id: string, memberId: string): Promise<ImageMemberDto> {
    const { row, adapter } = await this.target(id);
    return presentMember(await operation(adapter, 'members', 'addMember')(row.nativeId, memberId));
  }

  async updateMember(id: string, memberId: string, status: MemberStatus): Promise<ImageMemberDto> {
    const { row, adapter } = await this.target(id);
    return presentMember(await operation(adapter, 'members', 'updateMember')(row.nativeId, memberId, status));
  }

  async removeMember(id: string, memberId: string): Promise<void> {
    const { row, adapter } = await this.target(id);
    await operation(adapter, 'members', 'removeMember')(row.nativeId, memberId);
  }

  /** The catalogue row and the adapter of its provider. */
  async target(id: string): Promise<{ row: Image; adapter: ProviderAdapter }> {
    const row = await this.images.row(id);
    return { row, adapter: await this.registry.resolve(row.providerName) };
  }

  private async refresh(adapter: ProviderAdapter, row: Image): Promise<ImageDto> {
    const current = await adapter.getImage(row.nativeId, row.region);
    if (current) await this.record(adapter, current);
    return this.images.get(row.id);
  }

  private async record(
    adapter: ProviderAdapter,
    image: Parameters<CatalogueWriter['upsertBatch']>[2][number],
  ): Promise<void> {
    await this.writer.upsertBatch(adapter.name, adapter.kind, [image], new Date());
    await this.version.bump();
  }
}

function presentMember(member: ImageMember): ImageMemberDto {
  return {
    memberId: member.memberId,
    status: member.status,
    createdAt: member.createdAt?.toISOString() ?? null,
    updatedAt: member.updatedAt?.toISOString() ?? null,
  };
}
