# shellcheck shell=bash
# What the stack and the tests need that a fresh machine lacks, installed by the ordinary clients: npm ci, Debian's kcat,
# and the Kafka and Apicurio downloads from Maven Central by Maven (cached in ~/.npm and ~/.m2). Each
# function does nothing when its result is already in place. Shared by scripts/stack.sh and .ci/run.

MAVEN_POM="$REPO_ROOT/scripts/maven/pom.xml"
MAVEN_OPTS_QUIET=(-B -q -f "$MAVEN_POM")
# Fetches the Apicurio tar.gz without reading its pom (see the comment in scripts/maven/pom.xml).
MAVEN_LEGACY_COPY="org.apache.maven.plugins:maven-dependency-plugin:2.10:copy"

ensure_node_modules() {
  if [[ -d "$REPO_ROOT/node_modules" ]]; then return 0; fi
  step "installing npm dependencies (npm ci)"
  (cd "$REPO_ROOT" && flock /tmp/npm.lock npm ci --no-audit --no-fund) || die "npm ci failed"
}

apt_install() {
  local sudo=()
  ((EUID == 0)) || sudo=(sudo -n)
  export DEBIAN_FRONTEND=noninteractive
  # The package lists of a fresh machine may be missing or stale: update once and try again.
  "${sudo[@]}" apt-get install -y -q "$@" >/dev/null 2>&1 ||
    { "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" apt-get install -y -q "$@" >/dev/null; } ||
    die "apt-get install $* failed"
}

ensure_system_tools() {
  local missing=()
  command -v kcat >/dev/null || missing+=(kcat)
  command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || missing+=(maven)
  command -v curl >/dev/null || missing+=(curl)
  command -v ss >/dev/null || missing+=(iproute2)
  command -v flock >/dev/null || missing+=(util-linux)
  command -v pg_isready >/dev/null || missing+=(postgresql-client)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  # The wallet page's browser tests drive Debian's Chromium through playwright-core (no browser download).
  command -v chromium >/dev/null || missing+=(chromium)
  if ((${#missing[@]} > 0)); then
    step "installing Debian packages: ${missing[*]}"
    apt_install "${missing[@]}"
  fi
  ensure_kubectl
}

# tools/deploy-check renders k8s/ with `kubectl kustomize` in the unit tier. Machines of this kind come
# with kubectl (Google Cloud SDK's build, kustomize v5); where it is missing, Debian's kubernetes-client
# is the fallback (an older kubectl whose built-in kustomize may render differently), and without either
# only the deploy-check specs fail, naming kubectl.
ensure_kubectl() {
  command -v kubectl >/dev/null && return 0
  step "installing Debian's kubernetes-client (for kubectl kustomize)"
  (apt_install kubernetes-client) || say "    could not install kubectl; the deploy-check specs will fail"
}

# The marker holds a hash of the pom: when the pom changes (a new Kafka version), the jars are refreshed.
ensure_kafka_libs() {
  local libs="$STACK_DIR/kafka/libs" want
  want="$(sha256sum "$MAVEN_POM" | cut -c1-16)"
  [[ "$(cat "$libs/.complete" 2>/dev/null)" == "$want" ]] && return 0
  step "fetching the Kafka jars with Maven (cached in ~/.m2)"
  rm -rf "$libs"
  mkdir -p "$libs"
  mvn "${MAVEN_OPTS_QUIET[@]}" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" ||
    die "Maven could not fetch the Kafka jars (scripts/maven/pom.xml)"
  echo "$want" >"$libs/.complete"
}

# Sets APICURIO_JAR to the registry's runnable jar (its name differs between 3.0 and later releases).
ensure_apicurio() {
  local dist="$APICURIO_DIR/dist-$APICURIO_VERSION"
  if [[ ! -f "$dist/.complete" ]]; then
    step "fetching Apicurio Registry $APICURIO_VERSION with Maven (cached in ~/.m2)"
    rm -rf "$dist" "$APICURIO_DIR/download"
    mkdir -p "$dist"
    mvn "${MAVEN_OPTS_QUIET[@]}" "$MAVEN_LEGACY_COPY" \
      -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
      -DoutputDirectory="$APICURIO_DIR/download" ||
      die "Maven could not fetch io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all"
    tar -xzf "$APICURIO_DIR/download/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz" -C "$dist" ||
      die "could not unpack the Apicurio archive"
    rm -rf "$APICURIO_DIR/download"
    touch "$dist/.complete"
  fi
  APICURIO_JAR="$(find "$dist" -maxdepth 1 \( -name '*-runner.jar' -o -name quarkus-run.jar \) | head -n1)"
  [[ -n "$APICURIO_JAR" ]] || die "no runnable jar in $dist"
}

ensure_installed() {
  ensure_system_tools
  ensure_node_modules
  ensure_kafka_libs
  ensure_apicurio
}
