# One image for every Roster service; the command picks the service:
#   node dist/apps/all-in-one/src/main.js (default)   node dist/apps/registry/src/main.js
#   node dist/apps/projector/src/main.js               node dist/apps/log-exporter/src/main.js
# Build: docker build -t roster:0.1.0 .   (see deploy/README.md)

# Build stage: every dependency to compile, then the dev dependencies dropped so the runtime copies only what runs.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: node, the compiled code and the production dependencies; no compiler, sources or npm cache.
FROM node:20-bookworm-slim
WORKDIR /app
# DATA_DIR is the only place the processes write: the all-in-one keeps its embedded store and generated key there,
# the registry its bootstrap credentials. Everything else stays read-only (root-owned) for the `node` user.
ENV NODE_ENV=production \
    DATA_DIR=/data
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
# The image's `node` user by number: Kubernetes can check runAsNonRoot only against a numeric user.
USER 1000:1000
EXPOSE 3000
# Every service serves /health/ready on PORT. The slim image has no curl, so node itself asks (Kubernetes ignores
# this and uses its own probes; docker run and Compose show the result).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/all-in-one/src/main.js"]
