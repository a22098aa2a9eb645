import { Command, Option } from 'commander';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Image } from '../../client';
import type { UploadOptions } from '../../uploads';
import { clearUploadState, readUploadState, writeUploadState } from '../config';
import { action, positiveInt } from '../context';
import { CliError, ExitCode } from '../exit-codes';
import { exitCodeOfJobs, followJobs } from '../job-follow';
import { bytes, table } from '../output';
import { BytesBar } from '../progress';
import { registerImage, withRegistrationOptions } from './registration';

const MiB = 1024 * 1024;
const FILTERS = [
  'provider',
  'region',
  'kind',
  'status',
  'visibility',
  'osDistro',
  'osVersion',
  'architecture',
  'gpuVendor',
  'gpuModel',
  'tag',
  'q',
  'sort',
] as const;

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function imagesCommand(): Command {
  const images = new Command('images')
    .description('The catalogue: list, show, register, upload, download, delete')
    .addHelpText(
      'after',
      '\nExamples:\n  image-broker images ls --provider nhn-kr1\n  image-broker images upload ./ubuntu.qcow2 --image 3f0c…',
    );

  const ls = images
    .command('ls')
    .description('List images, filtered as the catalogue API filters')
    .option('--limit <n>', 'images per page (1-500)', positiveInt, 50)
    .option('--all', 'follow every page')
    .addHelpText(
      'after',
      '\nExamples:\n  image-broker images ls --provider fpt-hcm --status active\n  image-broker images ls --os-distro ubuntu --gpu-vendor nvidia --sort -createdAt --json',
    );
  for (const filter of FILTERS) ls.option(`--${kebab(filter)} <value>`, `only images whose ${filter} matches`);
  ls.action(
    action(async ({ broker, output }, flags: Record<string, string | number | boolean | undefined>) => {
      const query: Record<string, unknown> = { limit: flags.limit };
      for (const filter of FILTERS) if (flags[filter] !== undefined) query[filter] = flags[filter];
      const items: Image[] = [];
      let cursor: string | undefined;
      do {
        const page = await broker.transport.data(
          broker.api.GET('/v1/images', { params: { query: { ...query, cursor } as never } }),
          'GET /v1/images',
        );
        items.push(...page.items);
        cursor = flags.all ? (page.nextCursor ?? undefined) : undefined;
      } while (cursor);
      output.result(output.json ? { items } : items, () =>
        table(
          items.map((i) => ({
            ...i,
            size: bytes(i.sizeBytes),
            os: [i.os?.distro, i.os?.version].filter(Boolean).join(' '),
          })),
          [
            ['id', 'id'],
            ['provider', 'provider'],
            ['name', 'name'],
            ['status', 'status'],
            ['os', 'os'],
            ['size', 'size'],
          ],
        ),
      );
    }),
  );

  images
    .command('show')
    .description('Show one image')
    .argument('<image>', 'broker image id')
    .addHelpText('after', '\nExample:\n  image-broker images show 3f0c…')
    .action(
      action(async ({ broker, output }, id: string) => {
        const image = await broker.transport.data(
          broker.api.GET('/v1/images/{id}', { params: { path: { id } } }),
          'GET image',
        );
        output.result(image, () =>
          Object.entries(image)
            .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
            .join('\n'),
        );
      }),
    );

  withRegistrationOptions(
    images.command('register').description('Register an image on a provider (then upload or import its bytes)'),
    true,
  )
    .option('--file <path>', 'take sizeBytes and sha256 from this file (read once)')
    .addHelpText(
      'after',
      '\nExample:\n  image-broker images register --provider nhn-kr1 --name ubuntu-24.04-gpu --disk-format qcow2 --os-type linux --file ./ubuntu.qcow2',
    )
    .action(
      action(async ({ broker, output }, flags: Record<string, unknown>) => {
        if (typeof flags.name !== 'string') throw new CliError('register needs --name', ExitCode.usage);
        const declared = typeof flags.file === 'string' ? await fileDigest(flags.file) : {};
        const image = await registerImage(broker, flags, declared);
        output.result(image, () => image.id);
      }),
    );

  const upload = images.command('upload');
  withRegistrationOptions(upload, false);
  upload
    .description(
      "Upload an image's bytes, with progress; large files go straight to the staging store in resumable parts",
    )
    .argument('<file>', 'the image file')
    .option('--image <id>', 'the registered image to upload to (or register one with --provider and --name)')
    .option('--resume', 'continue an interrupted upload of this file: staged parts are not sent again')
    .addOption(
      new Option('--method <method>', 'how the bytes travel').choices(['auto', 'file', 'session']).default('auto'),
    )
    .option('--part-size <MiB>', 'part size of a new session, in MiB (5-5120)', positiveInt, 8)
    .option('--concurrency <n>', 'parts in flight', positiveInt, 4)
    .option('--no-wait', 'return once the broker has the bytes, without following the push to the provider')
    .addHelpText(
      'after',
      '\nThe file is read once: its sha256 is computed on the way and checked by the broker.\n\nExamples:\n  image-broker images upload ./ubuntu.qcow2 --image 3f0c…\n  image-broker images upload ./ubuntu.qcow2 --image 3f0c… --resume\n  image-broker images upload ./ubuntu.raw --provider vietnix-hcm --name ubuntu-gpu --disk-format raw --container-format bare',
    )
    .action(
      action(async ({ broker, output }, file: string, flags: Record<string, string | number | boolean | undefined>) => {
        const { size } = await stat(file).catch(() => {
          throw new CliError(`No such file: ${file}`, ExitCode.usage);
        });
        if (typeof flags.image !== 'string' && (typeof flags.provider !== 'string' || typeof flags.name !== 'string')) {
          throw new CliError('upload needs --image, or --provider and --name to register one', ExitCode.usage);
        }
        // Registered with its size: the broker refuses bytes of another length before pushing them anywhere.
        const imageId =
          typeof flags.image === 'string' ? flags.image : (await registerImage(broker, flags, { sizeBytes: size })).id;
        const options: UploadOptions = {
          method: flags.method as UploadOptions['method'],
          partSizeBytes: Number(flags.partSize) * MiB,
          concurrency: Number(flags.concurrency),
          onSession: (uploadId) => writeUploadState({ imageId, file, sizeBytes: size, uploadId }),
        };
        if (flags.resume) options.resumeUploadId = await sessionToResume(broker, imageId, file, size);
        const bar = new BytesBar(output.interactive, 'upload', size);
        let skipped = false;
        options.onProgress = (p) => {
          if (!skipped && p.bytesSkipped > 0) {
            bar.skip(p.bytesSkipped);
            skipped = true;
          }
          bar.update(p.bytesDone);
        };
        const abort = new AbortController();
        const onSignal = (): void => abort.abort();
        process.once('SIGINT', onSignal);
        let result;
        try {
          result = await broker.uploadFile(imageId, file, { ...options, signal: abort.signal });
        } finally {
          bar.stop();
          process.off('SIGINT', onSignal);
        }
        await clearUploadState(imageId, file);
        output.info(
          `uploaded ${bytes(result.sizeBytes)} (${result.method}${result.partsSkipped ? `, ${result.partsSkipped} parts already staged` : ''}); sha256 ${result.sha256}`,
        );
        let job = result.job;
        if (flags.wait !== false) [job] = await followJobs(broker, output, [{ id: job.id, label: 'push' }]);
        if (result.method === 'file' && job.state === 'succeeded') {
          // A session's sha256 was checked by the broker before it queued the push; a streamed PUT's is checked here.
          const image = await broker.transport.data(
            broker.api.GET('/v1/images/{id}', { params: { path: { id: imageId } } }),
            'GET image',
          );
          if (image.checksums.sha256 && image.checksums.sha256 !== result.sha256) {
            throw new CliError(
              `The broker holds sha256 ${image.checksums.sha256}; the file read ${result.sha256}`,
              ExitCode.failed,
            );
          }
        }
        output.result({ imageId, ...result, job }, () => `${imageId} ${job.state}`);
        return flags.wait === false ? ExitCode.ok : exitCodeOfJobs([job]);
      }),
    );

  images
    .command('download')
    .description("Download an image's bytes, with progress; --resume continues a partial file with a Range request")
    .argument('<image>', 'broker image id')
    .requiredOption('-o, --output <file>', "where to write ('-' for stdout)")
    .option('--resume', 'append to a partial file instead of starting over')
    .addHelpText(
      'after',
      '\nExamples:\n  image-broker images download 3f0c… -o ubuntu.qcow2\n  image-broker images download 3f0c… -o ubuntu.qcow2 --resume',
    )
    .action(
      action(async ({ broker, output }, id: string, flags: { output: string; resume?: boolean }) => {
        const toStdout = flags.output === '-';
        const have =
          !toStdout && flags.resume
            ? await stat(flags.output).then(
                (s) => s.size,
                () => 0,
              )
            : 0;
        const download = await broker.downloadFile(id, have > 0 ? { range: { start: have } } : {});
        const appending = have > 0 && download.status === 206;
        const total = download.totalBytes;
        const bar = new BytesBar(output.interactive && !toStdout, 'download', total);
        let done = appending ? have : 0;
        bar.skip(done);
        const counter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            done += chunk.length;
            bar.update(done);
            callback(null, chunk);
          },
        });
        try {
          await pipeline(
            download.stream,
            counter,
            toStdout ? process.stdout : createWriteStream(flags.output, { flags: appending ? 'a' : 'w' }),
          );
        } finally {
          bar.stop();
        }
        if (!toStdout)
          output.result(
            { imageId: id, file: flags.output, bytes: done, resumedFrom: appending ? have : 0 },
            () => `${flags.output} ${bytes(done)}`,
          );
      }),
    );

  images
    .command('rm')
    .description('Delete an image on its provider and in the catalogue')
    .argument('<image>', 'broker image id')
    .addHelpText('after', '\nExample:\n  image-broker images rm 3f0c…')
    .action(
      action(async ({ broker, output }, id: string) => {
        const answer = await broker.api.DELETE('/v1/images/{id}', { params: { path: { id } } });
        await broker.transport.data(Promise.resolve(answer), 'DELETE image');
        output.result({ id, deleted: true }, () => `deleted ${id}`);
      }),
    );

  return images;
}

/** The session an interrupted upload of this file left: the CLI's own note, else the image's newest open session of that size. */
async function sessionToResume(
  broker: import('../../image-broker').ImageBroker,
  imageId: string,
  file: string,
  size: number,
): Promise<string> {
  const state = await readUploadState(imageId, file);
  if (state && state.sizeBytes === size) return state.uploadId;
  const open = await broker.uploadSessions(imageId);
  const match = open.items
    .filter((s) => s.sizeBytes === size)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (!match) throw new CliError(`No upload of ${file} to resume for image ${imageId}`, ExitCode.notFound);
  return match.uploadId;
}

async function fileDigest(path: string): Promise<{ sizeBytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: MiB })) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}
