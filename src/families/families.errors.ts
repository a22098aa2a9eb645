import { ConflictError, GoneError, NotFoundError } from '../platform/errors/app.errors';

/** A target of the family and how its placement of a version stands (`not placed` when there is none). */
export interface TargetStanding {
  provider: string;
  region: string | null;
  status: string;
}

/** A channel move refused because the version is not active everywhere yet. */
export class VersionNotPlacedError extends ConflictError {
  constructor(
    message: string,
    readonly targets: readonly TargetStanding[],
  ) {
    super(message);
  }

  override get problemMembers(): Record<string, unknown> {
    return { targets: this.targets };
  }
}

/** A version change refused because channels still point at the version. */
export class ChannelsPointAtVersionError extends ConflictError {
  constructor(
    message: string,
    readonly channels: readonly string[],
  ) {
    super(message);
  }

  override get problemMembers(): Record<string, unknown> {
    return { channels: this.channels };
  }
}

/** Resolve found the version but no usable copy on the asked target. */
export class NotPlacedHereError extends NotFoundError {
  constructor(
    message: string,
    readonly version: string | null,
    readonly placementStatus: string,
  ) {
    super(message);
  }

  override get problemMembers(): Record<string, unknown> {
    return { version: this.version, placementStatus: this.placementStatus };
  }
}

/** Resolve of a channel whose version was revoked (or made obsolete). */
export class VersionWithdrawnError extends GoneError {
  constructor(
    message: string,
    readonly version: string,
    readonly state: string,
    readonly replacement: string | null,
  ) {
    super(message);
  }

  override get problemMembers(): Record<string, unknown> {
    return { version: this.version, state: this.state, replacement: this.replacement };
  }
}
