# syntax=docker/dockerfile:1
#
# One image for the whole monorepo: every service runs from it, chosen by its command
# (`node --import tsx services/<name>/src/main.ts`, set per workload by docker-compose.yml and k8s/)
# or, for a quick `docker run`, by the SERVICE variable that the default command reads.
#
# The project has no build step (docs/CONVENTIONS.md) except the wallet page's UI, which the ui stage
# builds with Vite: TypeScript runs through tsx. tsx is declared
# as a devDependency, but it is a runtime dependency of every service, so the image installs the
# production dependencies plus tsx and its esbuild binary, and none of the other dev tools (eslint,
# mocha, typescript, ...). The lock file is used as is: only the copy of package.json inside the
# image moves tsx to "dependencies" before `npm ci --omit=dev`, so the versions are exactly the
# locked ones. Once the root package.json lists tsx under "dependencies", that step does nothing.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- manifests: only the files npm ci needs, so the dependency layer is rebuilt only when they change.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json ! -name .npmrc -delete \
 && find . -depth -type d -empty -delete

# --- deps: production dependencies plus tsx, from the lock file.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /app ./
RUN if [ "$(npm pkg get dependencies.tsx)" = "{}" ]; then \
      npm pkg set "dependencies.tsx=$(npm pkg get devDependencies.tsx | tr -d '"')" \
      && npm pkg delete devDependencies.tsx; \
    fi \
 && npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && test -f node_modules/tsx/package.json

# --- ui: the wallet page (services/web/ui), built with Vite. Its build tools are dev dependencies, so
# this stage installs everything and only the built files (services/web/ui/dist, never committed) go
# on into the runtime image, where services/web serves them.
FROM ${NODE_IMAGE} AS ui
WORKDIR /app
COPY --from=manifests /app ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -w @dbay/web-ui \
 && test -f services/web/ui/dist/index.html

# --- runtime
FROM ${NODE_IMAGE} AS runtime
# tini reaps zombies and forwards SIGTERM, so each service's graceful shutdown (stop consuming,
# finish in-flight work, flush the outbox) runs when Docker or the kubelet stops the container.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false
COPY --from=deps --chown=root:root /app ./
COPY --chown=root:root . .
COPY --from=ui --chown=root:root /app/services/web/ui/dist ./services/web/ui/dist
# The code is owned by root and read-only to the service user; the only writable place a service
# needs is /tmp (tsx's compile cache), which Kubernetes mounts as an emptyDir under a read-only root.
# 1000 is the `node` user of the base image; it is numeric so that runAsNonRoot can verify it.
USER 1000:1000
ARG SERVICE=""
ENV SERVICE=${SERVICE}
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["sh", "-c", "exec node --import tsx \"services/${SERVICE:?set SERVICE to one of wallet, order, deposit-watcher, withdrawal-saga, signer, reconciler, web}/src/main.ts\""]
