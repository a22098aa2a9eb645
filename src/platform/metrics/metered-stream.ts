import { Transform, type Readable } from 'node:stream';

/** Passes a stream through unchanged, telling `count` the size of every chunk as it goes by. */
export function meteredStream(source: Readable, count: (bytes: number) => void): Readable {
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      count(chunk.length);
      done(null, chunk);
    },
  });
  source.once('error', (error) => meter.destroy(error));
  meter.once('close', () => {
    if (!source.destroyed) source.destroy();
  });
  return source.pipe(meter);
}
