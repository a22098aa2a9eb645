import { UnprocessableError } from '../platform/errors/app.errors';
import { checkFamilyTargets, type TargetConnection } from './family-targets';

const connections: Record<string, TargetConnection> = {
  'nhn-kr1': { name: 'nhn-kr1', regions: ['kr1'] },
  multi: { name: 'multi', regions: ['a', 'b'] },
  regionless: { name: 'regionless', regions: [] },
};
const connection = (name: string) => Promise.resolve(connections[name] ?? null);

describe("checkFamilyTargets: a family's targets", () => {
  it("takes the only region of a connection when none is named, and '' for a connection without regions", async () => {
    await expect(
      checkFamilyTargets(connection, [
        { provider: 'nhn-kr1' },
        { provider: 'multi', region: 'b' },
        { provider: 'regionless' },
      ]),
    ).resolves.toEqual([
      { provider: 'nhn-kr1', region: 'kr1' },
      { provider: 'multi', region: 'b' },
      { provider: 'regionless', region: '' },
    ]);
  });

  it('refuses, naming each field, an unknown connection, a missing or unknown region, and a target twice', async () => {
    const refused = await checkFamilyTargets(connection, [
      { provider: 'nowhere' },
      { provider: 'multi' },
      { provider: 'nhn-kr1', region: 'kr9' },
      { provider: 'nhn-kr1' },
      { provider: 'nhn-kr1', region: 'kr1' },
    ]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UnprocessableError);
    expect((refused as UnprocessableError).errors?.map((e) => e.field)).toEqual([
      'targets[0].provider',
      'targets[1].region',
      'targets[2].region',
      'targets[4]',
    ]);
  });
});
