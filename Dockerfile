# syntax=docker/dockerfile:1
# The order platform's production image: one image, three roles (server, worker, one-shot
# scripts), chosen by the command (deploy/compose.yaml). Debian (glibc) Node images only:
# Temporal's TypeScript SDK ships its Rust core as a glibc native module, so Alpine (musl)
# does not run it.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, tsc → dist/, the prebuilt workflow bundle ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# npm 11, as the lock file and package.json's allowScripts were written with.
RUN npm install -g npm@11.19.1 --no-audit --no-fund
COPY package.json package-lock.json ./
# npm ci refuses this lock file (it lacks other OSes' optional @swc binaries); npm install
# --no-save installs the locked versions without rewriting it, as .ci/run does.
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund --no-save
COPY tsconfig.json tsconfig.build.json server.ts worker.ts ./
COPY abilities ./abilities
COPY activities ./activities
COPY api ./api
COPY config ./config
COPY extension-points ./extension-points
COPY extensions ./extensions
COPY platform ./platform
COPY scripts ./scripts
COPY workflows ./workflows
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: node on dist/, no compiler or bundler run at start ----
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# package.json marks the root that config/ and console/ are found from (platform/package-root.ts).
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY config ./config
# The server bundles the operators' console from its sources with esbuild when it starts.
COPY console ./console
# Listen on every interface inside the container (the default, 127.0.0.1, is for a laptop).
ENV HOST=0.0.0.0 PORT=3000
USER node
EXPOSE 3000 9464
# A REST server by default; the worker and the scripts are other commands of this image.
CMD ["node", "--enable-source-maps", "dist/server.js"]
