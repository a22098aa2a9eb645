import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

/**
 * The benchmark's baseline: a bare Fastify route serving a fixed JSON body
 * from memory, in its own process like the broker, on the same machine.
 */
const [file, port] = process.argv.slice(2);
const body = readFileSync(file, 'utf8');
const app = Fastify({ logger: false });
// Any path: the catalogue benchmark asks for /v1/images, the resolve benchmark for a family's resolve.
app.get('/*', (_request, reply) => {
  void reply.header('content-type', 'application/json; charset=utf-8').send(body);
});
app.listen({ port: Number(port), host: '127.0.0.1' }).then(
  () => process.stdout.write('ready\n'),
  (error: unknown) => {
    process.stderr.write(String(error));
    process.exit(1);
  },
);
