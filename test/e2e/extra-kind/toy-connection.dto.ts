import { Matches } from 'class-validator';
import { ConnectionBaseDto, type BearerAuthDto } from '../../../src/providers/connections/provider-connection.dto';

/** A toy-cloud connection: every connection's fields, plus the one field only this kind has. */
export class ToyConnectionDto extends ConnectionBaseDto {
  declare kind: 'toy-cloud';

  /** Which shelf of the toy cloud's catalogue this connection lists. */
  @Matches(/^[a-z]{1,20}$/, { message: 'shelf must be 1 to 20 lower-case letters' })
  shelf!: string;

  /** Validated by the auth class its type names (see toyKind.auth). */
  declare auth: BearerAuthDto;
}
