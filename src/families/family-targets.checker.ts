import { Injectable } from '@nestjs/common';
import { ProviderRegistry } from '../providers/port/provider-registry.service';
import type { FamilyTargetRequestDto } from './dto/family.dto';
import { checkFamilyTargets, type FamilyTargetRef } from './family-targets';

/** checkFamilyTargets against the broker's connections (ProviderRegistry). */
@Injectable()
export class FamilyTargetsChecker {
  constructor(private readonly registry: ProviderRegistry) {}

  resolve(requested: readonly FamilyTargetRequestDto[]): Promise<FamilyTargetRef[]> {
    return checkFamilyTargets((name) => this.registry.resolve(name).catch(() => null), requested);
  }
}
