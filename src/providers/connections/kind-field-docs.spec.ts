import { IsIn, MaxLength } from 'class-validator';
import { BearerAuthDto, ConnectionBaseDto } from './provider-connection.dto';
import { kindFieldDocs } from './kind-field-docs';
import { PROVIDER_KINDS } from '../kinds/provider-kinds';
import type { ProviderKindDefinition } from '../port/provider-kind';

describe('the fields openapi.json documents for a connection body', () => {
  it("are each kind's own fields, in registry order, each naming the kinds that have it", () => {
    const docs = Object.fromEntries(kindFieldDocs(PROVIDER_KINDS));
    expect(Object.keys(docs)).toEqual(['dialect', 'region', 'vpcId', 'regions', 'organizationId']);
    expect(docs.dialect).toEqual({ enum: ['nhn', 'standard'], description: 'openstack-glance' });
    expect(docs.region).toMatchObject({ maxLength: 255, description: 'openstack-glance, fpt-metal-cloud' });
    expect(docs.regions).toEqual({
      type: 'array',
      items: { type: 'string', maxLength: 255 },
      maxItems: 64,
      description: 'nscale: region ids',
    });
  });

  it('take in a kind added to the list, with nothing written for it here', () => {
    class ShelfConnectionDto extends ConnectionBaseDto {
      @MaxLength(20)
      shelf!: string;
      @IsIn(['oak', 'pine'])
      wood!: string;
    }
    const shelfKind = {
      ...PROVIDER_KINDS[0],
      kind: 'shelf-cloud',
      connection: ShelfConnectionDto,
      auth: { bearer: BearerAuthDto },
    } satisfies ProviderKindDefinition;
    const docs = kindFieldDocs([...PROVIDER_KINDS, shelfKind]);
    expect(docs.slice(-2)).toEqual([
      ['shelf', { type: String, maxLength: 20, description: 'shelf-cloud' }],
      ['wood', { enum: ['oak', 'pine'], description: 'shelf-cloud' }],
    ]);
  });
});
