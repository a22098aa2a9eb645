import type { FieldProblem } from '../platform/config/validation-messages';
import { UnprocessableError } from '../platform/errors/app.errors';
import type { FamilyTargetRequestDto } from './dto/family.dto';

/** A family's target as stored: a connection, and its region ('' where the kind has none). */
export interface FamilyTargetRef {
  provider: string;
  region: string;
}

export function sameTarget(a: FamilyTargetRef, b: FamilyTargetRef): boolean {
  return a.provider === b.provider && a.region === b.region;
}

/** What the targets check needs of a connection: its name and its regions. */
export interface TargetConnection {
  name: string;
  regions: readonly string[];
}

/**
 * The targets a family is given (at creation and in a PATCH), checked: the
 * connection exists; a region is named where the connection has several and
 * is one of them; no target twice. 422 naming each field otherwise. Whether a
 * target can take a version is judged at publish time, against that version's
 * image (PlacementPlanner.problems).
 */
export async function checkFamilyTargets(
  connection: (name: string) => Promise<TargetConnection | null>,
  requested: readonly FamilyTargetRequestDto[],
): Promise<FamilyTargetRef[]> {
  const problems: FieldProblem[] = [];
  const targets: FamilyTargetRef[] = [];
  for (const [index, target] of requested.entries()) {
    const field = `targets[${index}]`;
    const adapter = await connection(target.provider);
    if (!adapter) {
      problems.push({ field: `${field}.provider`, message: `no provider connection is named '${target.provider}'` });
      continue;
    }
    const regions = adapter.regions;
    if (target.region === undefined && regions.length > 1) {
      problems.push({
        field: `${field}.region`,
        message: `'${adapter.name}' has several regions; name one of: ${regions.join(', ')}`,
      });
      continue;
    }
    if (target.region !== undefined && !regions.includes(target.region)) {
      problems.push({ field: `${field}.region`, message: `must be one of: ${regions.join(', ') || '(none)'}` });
      continue;
    }
    const ref = { provider: adapter.name, region: target.region ?? regions[0] ?? '' };
    if (targets.some((t) => sameTarget(t, ref))) {
      problems.push({ field, message: 'names the same target twice' });
      continue;
    }
    targets.push(ref);
  }
  if (problems.length > 0)
    throw new UnprocessableError(problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
  return targets;
}
