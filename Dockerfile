# syntax=docker/dockerfile:1
#
# image-broker: one image for every role.
#   API:        docker run -e ROLE=api    ... image-broker
#   worker:     docker run -e ROLE=worker ... image-broker
#   migrations: docker run ... image-broker node dist/src/migrate.js   (creates the database when
#               missing, applies prisma/migrations, exits; run it once before each release)
# Configuration is environment variables only (src/platform/config/env.schema.ts).

ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: install everything, generate the Prisma client, compile, drop dev dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# `npm ci` runs the postinstall script (`prisma generate`), which reads prisma.config.ts and
# prisma/schema.prisma and writes the client into src/platform/persistence/generated.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# The SDK and CLI are a workspace of the repository; the install builds them, the runtime never loads them.
COPY packages ./packages
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

# `npm run build` is `nest build` with tsconfig.build.json: the production tree only. Emulators, the
# emulator kit, test helpers and specs are excluded there, and the sandbox, benchmarks, scripts and the
# test harness are never copied in (they build into dist-tools/ with `npm run build:tools`).
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
# tsc compiles the generated Prisma client with the rest, into dist/src/platform/persistence/generated.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime: production node_modules, the compiled production tree and the migrations ----
FROM ${NODE_IMAGE} AS runtime

LABEL org.opencontainers.image.title="image-broker" \
      org.opencontainers.image.description="One REST API for the VM and bare-metal OS images of several GPU clouds"

# The last two are deploy/node-runtime.env, the memory settings the tests and benchmarks also run with.
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    NODE_OPTIONS=--max-semi-space-size=4 \
    MALLOC_ARENA_MAX=2

WORKDIR /app

# Owned by root and only readable by the broker's user: the application never writes its own files,
# so the container also runs with a read-only root filesystem (Kubernetes: readOnlyRootFilesystem).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Read at run time: src/platform/persistence/project-root.ts finds the directory holding prisma/migrations
# above dist/src/platform/persistence, i.e. /app.
COPY --from=build /app/prisma ./prisma

# The `node` user of the official image (uid 1000, gid 1000).
USER node

EXPOSE 3000

# No curl in the slim image: node's built-in fetch. /health/live answers while the process serves HTTP
# (the worker serves /health/* on PORT too). The one-shot migrate container exits before the first check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# main.ts handles SIGTERM itself (closes the listener and the workers, exits within SHUTDOWN_TIMEOUT_MS).
CMD ["node", "dist/src/main.js"]
