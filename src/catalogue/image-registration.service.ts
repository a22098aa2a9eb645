import { Injectable } from '@nestjs/common';
import { CatalogueVersion } from '../platform/coordination/coordination.module';
import { BadRequestError, NotFoundError, UnprocessableError } from '../platform/errors/app.errors';
import type { ImageVisibility } from '../providers/port/normalized-image';
import { createProblems, operation } from '../providers/port/provider.port';
import type { CreateImageSpec } from '../providers/port/provider-writes';
import { ProviderRegistry } from '../providers/port/provider-registry.service';
import { CatalogueWriter } from './catalogue-writer.service';
import type { CreateImageDto } from './dto/create-image.dto';
import type { ImageDto } from './dto/image.dto';
import { deterministicImageId } from './image-id';
import { ImagesService } from './images.service';

/** POST /v1/images: registers a custom image at the provider and adds it to the catalogue, pending its bytes. */
@Injectable()
export class ImageRegistrationService {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly writer: CatalogueWriter,
    private readonly version: CatalogueVersion,
    private readonly images: ImagesService,
  ) {}

  async register(body: CreateImageDto): Promise<ImageDto> {
    const adapter = await this.registry.resolve(body.provider).catch((error: unknown) => {
      if (error instanceof NotFoundError) {
        throw new BadRequestError(`No provider connection is named '${body.provider}'`, [
          { field: 'provider', message: `no provider connection is named '${body.provider}'` },
        ]);
      }
      throw error;
    });
    const create = operation(adapter, 'create', 'createImage');
    if (body.region !== undefined && !adapter.regions.includes(body.region)) {
      throw new BadRequestError(`Provider '${adapter.name}' has no region '${body.region}'`, [
        { field: 'region', message: `must be one of: ${adapter.regions.join(', ') || '(none)'}` },
      ]);
    }
    const region = body.region ?? adapter.regions[0] ?? '';
    const spec: CreateImageSpec = {
      name: body.name,
      region,
      diskFormat: body.diskFormat ?? null,
      containerFormat: body.containerFormat ?? null,
      visibility: (body.visibility as ImageVisibility | undefined) ?? null,
      minDiskGiB: body.minDiskGiB ?? null,
      minRamMiB: body.minRamMiB ?? null,
      protected: body.protected ?? null,
      tags: body.tags ?? [],
      properties: body.properties ?? {},
      os: {
        type: body.os?.type ?? null,
        distro: body.os?.distro ?? null,
        version: body.os?.version ?? null,
        architecture: body.os?.architecture ?? null,
      },
      sizeBytes: body.sizeBytes ?? null,
      sha256: body.sha256 ?? null,
    };
    // The adapter's own rules, before the call: 422 naming each field the provider would refuse.
    const problems = createProblems(adapter, spec);
    if (problems.length > 0) {
      throw new UnprocessableError(
        `Provider '${adapter.name}' cannot register this image: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
        problems,
      );
    }
    const created = await create(spec);
    // Until the bytes arrive the declared size and sha256 are what the upload is checked against.
    const image = {
      ...created,
      sizeBytes: created.sizeBytes ?? body.sizeBytes ?? null,
      checksums: { ...created.checksums, sha256: created.checksums.sha256 ?? body.sha256 ?? null },
    };
    await this.writer.upsertBatch(adapter.name, adapter.kind, [image], new Date());
    await this.version.bump();
    return this.images.get(deterministicImageId(adapter.name, image.region, image.nativeId));
  }
}
