import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/platform/persistence/project-root';
import { generateOpenApiSpec, serializeSpec } from './openapi-spec';

/** `npm run openapi`: writes openapi.json from the code. A test fails when the committed file is stale. */
generateOpenApiSpec()
  .then((spec) => {
    const file = join(projectRoot(), 'openapi.json');
    writeFileSync(file, serializeSpec(spec));
    process.stdout.write(`wrote ${file}\n`);
    process.exit(0);
  })
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
