# amas-exporter image: the sidecar that serves AMAS's amas_* metrics and health JSON on :8001.
#
#   docker build -t amas-exporter:1.0.0 .
#   docker run --rm -p 8001:8001 -v "$PWD/config/exporter.yaml:/etc/amas-exporter/exporter.yaml:ro" amas-exporter:1.0.0
#
# The config is read from /etc/amas-exporter/exporter.yaml (the default config is baked in; mount
# your own over it). The process runs as uid 1000 (user "node"), like AMAS in its pod, so it can
# read AMAS's log volume. It writes only its log read positions, under /var/lib/amas-exporter (a
# volume), so the root filesystem can be read-only.

ARG NODE_IMAGE=node:24.21.0-slim

# ---- build: compile TypeScript with the dev dependencies ---------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies and the compiled code only -------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
  && mkdir -p /var/lib/amas-exporter && chown 1000:1000 /var/lib/amas-exporter
COPY --from=build /app/dist ./dist
COPY config/exporter.yaml /etc/amas-exporter/exporter.yaml
# Built-in log mappings (format: audit|nested), found next to dist/ at run time.
COPY config/log-mappings ./config/log-mappings

USER 1000:1000
EXPOSE 8001 8002

# The exporter's own liveness; slim images have no curl, so Node's fetch asks. The health port
# (8002 in the shipped config) answers while the main loop is busy; a config without one, on 8001.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8002/livez').catch(() => fetch('http://127.0.0.1:8001/livez')).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["node", "dist/main.js"]
CMD ["serve", "--config", "/etc/amas-exporter/exporter.yaml"]
