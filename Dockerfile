# syntax=docker/dockerfile:1
# monoenv as a Probot server. Build: `docker build -t monoenv .`
# Run:  docker run -p 3000:3000 -e APP_ID=… -e WEBHOOK_SECRET=… -e PRIVATE_KEY="$(cat key.pem)" monoenv
# No key or .env file is copied into the image (see .dockerignore): credentials come from the environment
# or a mounted secret (PRIVATE_KEY_PATH=/run/secrets/monoenv.pem).

# The current Node.js LTS line; the GitHub Action runs on the same major (node24).
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-slim AS base
WORKDIR /app
# Lifecycle scripts are skipped: `prepare` would build before the sources are copied, and no runtime
# dependency needs an install script.
ENV npm_config_ignore_scripts=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# Runtime dependencies only, in their own stage so the build's dev dependencies never reach the image.
FROM base AS deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM base AS build
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/generate-schema.js scripts/
COPY src src
RUN npm run build

FROM node:${NODE_VERSION}-slim AS runtime
# tini as PID 1 forwards SIGTERM to Node, so `docker stop` and Kubernetes stop the server at once
# instead of waiting for the kill timeout.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/package.json package.json
COPY --from=build /app/lib lib
COPY --from=build /app/schema schema
# The files stay owned by root: the server, running as `node`, can read its code but not change it.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# The heap cap as `npm start` sets it: without one, V8 sizes the heap for the host's memory and lets garbage
# grow the process long before it collects (RSS 250 → 300 MB over 10,000 events on a 24 GB host, against
# about 175 MB flat with the cap). A 3,000-file pull request takes about 100 MB of heap: 1 GB leaves room for several.
CMD ["node", "--max-old-space-size=1024", "./lib/github/main.js"]
