/** The `image-broker` command line; its commands are added in the next commits. */
export async function main(argv: string[]): Promise<number> {
  process.stderr.write(`image-broker: no commands yet (${argv.length - 2} arguments)\n`);
  return 2;
}
