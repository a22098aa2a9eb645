import { Injectable } from '@nestjs/common';
import { JobService } from '../jobs/job.service';
import type { FieldProblem } from '../platform/config/validation-messages';
import { ConflictError, UnprocessableError } from '../platform/errors/app.errors';
import {
  Prisma,
  type Family,
  type FamilyTarget,
  type FamilyVersion,
  type Image,
  type Placement,
} from '../platform/persistence/generated/client';
import { PrismaService } from '../platform/persistence/prisma.service';
import { currentVersions } from './current-versions';
import type { CreateFamilyDto, FamilyDto, UpdateFamilyDto } from './dto/family.dto';
import { FamiliesCacheVersion } from './families-cache-version';
import { FamilyCopies } from './family-copies';
import { lockFamily } from './family-lock';
import { FamilyLookup } from './family-lookup';
import { refuseChangedTargets } from './family-targets-guard';
import { FamilyTargetsChecker } from './family-targets.checker';
import { sameTarget, type FamilyTargetRef } from './family-targets';
import { presentFamily } from './family.presenter';
import { PlacementPlanner } from './placement-planner';
import { PlacementStore } from './placement.store';
import { isUniqueViolation } from './unique-violation';
import { VersionSource } from './version-source';

/** A JSON column's value: undefined leaves it, null clears it (SQL NULL). */
function asJson(value: object | null | undefined): Prisma.InputJsonObject | typeof Prisma.DbNull | undefined {
  if (value === undefined) return undefined;
  return value === null ? Prisma.DbNull : (value as Prisma.InputJsonObject);
}

/**
 * The one writer of `families` and `family_targets`: creation, a PATCH (whose
 * target changes place the current versions on an added target and stop
 * tracking a removed one), deletion.
 */
@Injectable()
export class FamilyWriter {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobService,
    private readonly lookup: FamilyLookup,
    private readonly checker: FamilyTargetsChecker,
    private readonly planner: PlacementPlanner,
    private readonly placements: PlacementStore,
    private readonly sources: VersionSource,
    private readonly copies: FamilyCopies,
    private readonly cache: FamiliesCacheVersion,
  ) {}

  async create(body: CreateFamilyDto): Promise<FamilyDto> {
    const targets = await this.checker.resolve(body.targets);
    try {
      const family = await this.prisma.family.create({
        data: {
          name: body.name,
          description: body.description ?? null,
          os: asJson(body.os ? { ...body.os } : undefined),
          gpu: asJson(body.gpu ? { ...body.gpu } : undefined),
          onDrift: body.onDrift ?? 'report',
          targets: {
            create: targets.map((t, position) => ({ providerName: t.provider, region: t.region, position })),
          },
        },
        include: { targets: true },
      });
      // Resolve's 404 for this name changes from "no such family" to "no version".
      await this.cache.bump();
      return presentFamily(family, family.targets);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`A family named '${body.name}' already exists`);
      throw error;
    }
  }

  async update(name: string, patch: UpdateFamilyDto, deleteImages: boolean): Promise<FamilyDto> {
    const family = await this.lookup.family(name);
    const patched: Family = {
      ...family,
      ...(patch.os !== undefined ? { os: patch.os ? { ...patch.os } : null } : {}),
    };
    const old = await this.prisma.familyTarget.findMany({ where: { familyId: family.id } });
    const wanted = patch.targets ? await this.checker.resolve(patch.targets) : null;
    const added = wanted ? wanted.filter((t) => !old.some((o) => sameTarget(ref(o), t))) : [];
    const removed = wanted ? old.filter((o) => !wanted.some((t) => sameTarget(ref(o), t))).map(ref) : [];

    // Every added target must take every current version, checked before any write or outbound call.
    const versions = added.length > 0 ? await currentVersions(this.prisma, family) : [];
    const plans: Array<{ version: FamilyVersion; source: Image }> = [];
    const problems: FieldProblem[] = [];
    for (const version of versions) {
      const source = await this.sources.of(version);
      if (!source) {
        problems.push({ field: 'targets', message: `version '${version.version}' has no active image to copy from` });
        continue;
      }
      const fieldOf = (i: number) => `targets[${wanted!.findIndex((t) => sameTarget(t, added[i]))}]`;
      problems.push(
        ...(await this.planner.problems(patched, source, added, fieldOf)).map((p) => ({
          ...p,
          message: `${p.message} (version '${version.version}')`,
        })),
      );
      plans.push({ version, source });
    }
    if (problems.length > 0)
      throw new UnprocessableError(problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);

    const leaving = await this.jobs.transaction(async (tx, createJob) => {
      // In line with publishes, channel moves and other PATCHes of this family; what was checked above must still hold.
      await lockFamily(tx, name);
      await refuseChangedTargets(tx, family, old);
      await tx.family.update({
        where: { id: family.id },
        data: {
          description: patch.description === undefined ? undefined : patch.description,
          os: patch.os === undefined ? undefined : asJson(patch.os ? { ...patch.os } : null),
          gpu: patch.gpu === undefined ? undefined : asJson(patch.gpu ? { ...patch.gpu } : null),
          onDrift: patch.onDrift,
        },
      });
      const stopped: Placement[] = [];
      if (!wanted) return stopped;
      for (const target of removed) {
        await tx.familyTarget.deleteMany({
          where: { familyId: family.id, providerName: target.provider, region: target.region },
        });
        stopped.push(...(await this.placements.removeAt(tx, family.id, target)));
      }
      for (const [position, target] of wanted.entries()) {
        await tx.familyTarget.upsert({
          where: {
            familyId_providerName_region: { familyId: family.id, providerName: target.provider, region: target.region },
          },
          create: { familyId: family.id, providerName: target.provider, region: target.region, position },
          update: { position },
        });
      }
      for (const { version, source } of plans) {
        await this.planner.placeWithin(tx, createJob, patched, version, source, added);
      }
      // What the removal stopped, as committed: a placement re-placed meanwhile is released with its new job.
      return stopped;
    });
    // A target added or removed changes what resolve answers for it.
    await this.cache.bump();
    // Tracking stopped with the commit, so a cancelled job's end no longer reaches its (removed) placement.
    await this.release(leaving, deleteImages);
    return presentFamily(
      await this.lookup.family(name),
      await this.prisma.familyTarget.findMany({ where: { familyId: family.id } }),
    );
  }

  /** Deletes the family; one with placements needs `deleteImages` (true: its copies at the providers go too). */
  async delete(name: string, deleteImages: boolean | undefined): Promise<void> {
    const placements = await this.prisma.$transaction(async (tx) => {
      // After any publish or PATCH of this family in flight: its placements are all here.
      const family = await lockFamily(tx, name);
      const standing = await tx.placement.findMany({
        where: { version: { familyId: family.id }, status: { not: 'removed' } },
      });
      if (standing.length > 0 && deleteImages === undefined) {
        const message = `family '${name}' has ${standing.length} placement(s): say whether their copies at the providers go too with ?deleteImages=true or ?deleteImages=false`;
        throw new UnprocessableError(message, [{ field: 'deleteImages', message: 'is required: true or false' }]);
      }
      await tx.family.delete({ where: { id: family.id } });
      return standing;
    });
    await this.cache.bump();
    await this.release(placements, deleteImages ?? false);
  }

  /**
   * After the placements stopped being tracked: their live jobs are cancelled
   * and, when asked, the copies they made are deleted at the providers. A copy
   * that cannot be deleted fails the request with the provider's error; the
   * change itself has committed, and the copy stays in the catalogue to be
   * deleted with DELETE /v1/images/{id}.
   */
  private async release(placements: readonly Placement[], deleteImages: boolean): Promise<void> {
    if (placements.length === 0) return;
    await this.copies.stopJobs(placements);
    if (deleteImages) await this.copies.delete(placements);
  }
}

function ref(target: FamilyTarget): FamilyTargetRef {
  return { provider: target.providerName, region: target.region };
}
