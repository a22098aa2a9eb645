import { Injectable } from '@nestjs/common';
import { BadRequestError, NotFoundError } from '../../platform/errors/app.errors';
import type { Family, FamilyTarget, Prisma } from '../../platform/persistence/generated/client';
import { PrismaService } from '../../platform/persistence/prisma.service';
import type { ResolvedImageDto, ResolveQuery } from '../dto/resolve.dto';
import { NotPlacedHereError, VersionWithdrawnError } from '../families.errors';
import { LATEST_CHANNEL } from '../family-params';
import { placementStatus } from '../family-version.reader';
import { lifecycleHeaders } from './lifecycle-headers';

/** A resolve answer: the body and the lifecycle headers that go with it (cached together). */
export interface ResolveAnswer {
  body: ResolvedImageDto;
  headers: Record<string, string>;
}

type VersionWithPlacement = Prisma.FamilyVersionGetPayload<{
  include: { placements: { include: { image: { select: { nativeId: true } } } } };
}>;

/**
 * Answers resolve from PostgreSQL: which native image a channel (or `latest`,
 * or a version by name) stands for on one target. A handful of indexed
 * lookups on a miss; the answer is then cached until a families write.
 */
@Injectable()
export class VersionResolver {
  constructor(private readonly prisma: PrismaService) {}

  async resolve(familyName: string, query: ResolveQuery): Promise<ResolveAnswer> {
    if (query.channel !== undefined && query.version !== undefined) {
      throw new BadRequestError('Give either channel or version, not both', [
        { field: 'version', message: 'must not be given with channel' },
      ]);
    }
    const family = await this.prisma.family.findUnique({
      where: { name: familyName },
      include: {
        targets: {
          where: { providerName: query.provider, ...(query.region !== undefined && { region: query.region }) },
        },
      },
    });
    if (!family) throw new NotFoundError(`No family is named '${familyName}'`);
    const target = this.targetOf(family, query);
    const channel = query.version !== undefined ? null : (query.channel ?? LATEST_CHANNEL);
    const version =
      channel === LATEST_CHANNEL
        ? await this.latest(family, target)
        : await this.named(family, target, channel, query.version);
    if (version.state === 'revoked' || version.state === 'obsolete') {
      throw new VersionWithdrawnError(
        `Version '${version.version}' of family '${family.name}' is ${version.state}` +
          (version.replacement ? `; use '${version.replacement}' instead` : ''),
        version.version,
        version.state,
        version.replacement,
      );
    }
    const placement = version.placements[0];
    if (!placement || placement.status !== 'active' || !placement.imageId || !placement.image) {
      const status = placement ? await this.statusShown(placement) : 'not placed';
      throw new NotPlacedHereError(
        `Version '${version.version}' of family '${family.name}' is not active on ${where(target)}: it is ${status} there`,
        version.version,
        status,
      );
    }
    const region = target.region === '' ? null : target.region;
    const successorUrl = (replacement: string) =>
      `/v1/families/${encodeURIComponent(family.name)}/resolve?version=${encodeURIComponent(replacement)}` +
      `&provider=${encodeURIComponent(target.providerName)}${region ? `&region=${encodeURIComponent(region)}` : ''}`;
    return {
      body: {
        family: family.name,
        channel,
        version: version.version,
        provider: target.providerName,
        region,
        imageId: placement.imageId,
        nativeId: placement.image.nativeId,
        sha256: version.sha256,
      },
      headers: lifecycleHeaders(version, successorUrl),
    };
  }

  private targetOf(family: Family & { targets: FamilyTarget[] }, query: ResolveQuery): FamilyTarget {
    if (family.targets.length === 0) {
      const asked = `${query.provider}${query.region !== undefined ? `/${query.region}` : ''}`;
      throw new NotPlacedHereError(`${asked} is not a target of family '${family.name}'`, null, 'not a target');
    }
    if (family.targets.length > 1) {
      const regions = family.targets.map((t) => t.region).join(', ');
      throw new BadRequestError(`Family '${family.name}' targets ${query.provider} in several regions (${regions})`, [
        { field: 'region', message: `is needed: one of ${regions}` },
      ]);
    }
    return family.targets[0];
  }

  private async latest(family: Family, target: FamilyTarget): Promise<VersionWithPlacement> {
    const onTarget = { providerName: target.providerName, region: target.region };
    const version = await this.prisma.familyVersion.findFirst({
      where: { familyId: family.id, state: 'active', placements: { some: { ...onTarget, status: 'active' } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      include: placementsOn(target),
    });
    if (version) return version;
    // Say how the newest usable version stands there, if there is one.
    const newest = await this.prisma.familyVersion.findFirst({
      where: { familyId: family.id, state: 'active' },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      include: placementsOn(target),
    });
    const status = newest?.placements[0] ? await this.statusShown(newest.placements[0]) : 'not placed';
    throw new NotPlacedHereError(
      `No active version of family '${family.name}' is active on ${where(target)}` +
        (newest ? `; the newest, '${newest.version}', is ${status} there` : ''),
      newest?.version ?? null,
      status,
    );
  }

  private async named(
    family: Family,
    target: FamilyTarget,
    channel: string | null,
    versionName: string | undefined,
  ): Promise<VersionWithPlacement> {
    let name = versionName;
    if (channel !== null) {
      const row = await this.prisma.familyChannel.findUnique({
        where: { familyId_name: { familyId: family.id, name: channel } },
      });
      if (!row) throw new NotFoundError(`Family '${family.name}' has no channel '${channel}'`);
      name = row.version;
    }
    const version = await this.prisma.familyVersion.findUnique({
      where: { familyId_version: { familyId: family.id, version: name ?? '' } },
      include: placementsOn(target),
    });
    if (!version) throw new NotFoundError(`Family '${family.name}' has no version '${name}'`);
    return version;
  }

  private async statusShown(placement: VersionWithPlacement['placements'][number]): Promise<string> {
    const job = placement.jobId ? await this.prisma.job.findUnique({ where: { id: placement.jobId } }) : null;
    return placementStatus(placement, job ?? undefined);
  }
}

function placementsOn(target: FamilyTarget) {
  return {
    placements: {
      where: { providerName: target.providerName, region: target.region },
      include: { image: { select: { nativeId: true } } },
    },
  } as const;
}

function where(target: FamilyTarget): string {
  return `${target.providerName}${target.region ? `/${target.region}` : ''}`;
}
