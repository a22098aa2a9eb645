import { ConnectionBaseDto, type BearerAuthDto } from '../../connections/provider-connection.dto';

/** A genesis-cloud connection: only the fields every connection has. */
export class GenesisConnectionDto extends ConnectionBaseDto {
  declare kind: 'genesis-cloud';

  /** Validated by the auth class its type names (see genesisKind.auth). */
  declare auth: BearerAuthDto;
}
