#!/usr/bin/env bash
# Builds Vigil's container image from this checkout without pulling anything from an image registry:
# the exporter jar, a jlink runtime holding only the JDK modules Vigil uses, and the C libraries that
# runtime links against, copied from this machine onto an empty root filesystem (container/Containerfile).
#
#   container/build.sh                       builds the jar (mvn package) and the image vigil-exporter:<version>
#   VIGIL_JAR=exporter/target/vigil-exporter.jar container/build.sh    uses a jar already built
#   VIGIL_BASE_IMAGE=eclipse-temurin:17-jre container/build.sh         on a public JRE base instead (pulls it)
#
# Other settings: VIGIL_IMAGE (name:tag), CONTAINER_ENGINE (podman, or docker), VIGIL_SOURCE and
# VIGIL_LICENSES (OCI labels). Needs a JDK 17 with its jmods (jlink reads them) and ldd. docs/container.md
# explains the choices.
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE="${CONTAINER_ENGINE:-podman}"
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
JAR="${VIGIL_JAR:-}"
if [ -z "$JAR" ]; then
    mvn -B -q package -DskipTests
    JAR=exporter/target/vigil-exporter.jar
fi
VERSION="$("$JAVA_HOME/bin/java" -jar "$JAR" --version | cut -d' ' -f2)"
IMAGE="${VIGIL_IMAGE:-vigil-exporter:$VERSION}"
REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
SOURCE="${VIGIL_SOURCE:-$(git config --get remote.origin.url 2>/dev/null || echo unknown)}"
# The repository declares no licence yet; SPDX's NOASSERTION says so rather than guessing one.
LICENSES="${VIGIL_LICENSES:-NOASSERTION}"

context="$(cd "$(dirname "$JAR")" && pwd)/container"
rm -rf "$context"
mkdir -p "$context/rootfs/opt/vigil"
cp "$JAR" "$context/rootfs/opt/vigil/vigil-exporter.jar"
cp exporter/src/cds/training.yml "$context/rootfs/opt/vigil/cds-training.yml"

if [ -n "${VIGIL_BASE_IMAGE:-}" ]; then
    cp container/jvm.options "$context/rootfs/opt/vigil/jvm.options"
    containerfile=container/Containerfile.jre
    base_args=(--build-arg "BASE=$VIGIL_BASE_IMAGE")
else
    containerfile=container/Containerfile
    base_args=()
    [ -f "$JAVA_HOME/jmods/java.base.jmod" ] || {
        echo "build.sh: $JAVA_HOME has no jmods; install a full JDK 17 (Debian: openjdk-17-jdk-headless)" >&2
        exit 2
    }
    # The modules the jar's classes refer to, less two whose only users Vigil never reaches: java.desktop
    # (SnakeYAML's JavaBean mapping, the PostgreSQL driver's PGpoint; Vigil composes YAML nodes itself) and
    # java.compiler (Vert.x compiling verticles from source); plus jdk.crypto.ec, which TLS finds by service
    # lookup (elliptic-curve key exchange and certificates).
    found="$("$JAVA_HOME/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps "$JAR")"
    modules="$(echo "$found,jdk.crypto.ec" | tr ',' '\n' | grep -vx -e java.desktop -e java.compiler | sort -u | paste -sd,)"
    echo "== jlink runtime: $modules"
    "$JAVA_HOME/bin/jlink" --add-modules "$modules" --output "$context/rootfs/opt/vigil/jre" \
        --strip-debug --no-man-pages --no-header-files --compress=2 \
        --add-options "$(cat container/jvm.options)"

    # The JDK's own class-data archive, which jlink leaves out (JDK 17): the base the image's archive of
    # Vigil's classes is laid on (Containerfile).
    "$context/rootfs/opt/vigil/jre/bin/java" -Xshare:dump >/dev/null

    # The C libraries the runtime links against (glibc, libstdc++, zlib), at the paths the loader looks in.
    find "$context/rootfs/opt/vigil/jre" -type f \( -name java -o -name '*.so' \) -exec ldd {} + 2>/dev/null \
        | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $2 ~ /^\(/ { print $1 }' \
        | grep -v "^$context/" | sort -u | while read -r lib; do
            mkdir -p "$context/rootfs$(dirname "$lib")"
            cp -L "$lib" "$context/rootfs$lib"
        done

    etc="$context/rootfs/etc"
    mkdir -p "$etc" "$context/rootfs/tmp"
    chmod 1777 "$context/rootfs/tmp"
    # The numeric user the image runs as, with a name for the JVM's user.name and no home or shell.
    printf 'root:x:0:0:root:/nonexistent:/sbin/nologin\nvigil:x:65532:65532:vigil:/nonexistent:/sbin/nologin\n' > "$etc/passwd"
    printf 'root:x:0:\nvigil:x:65532:\n' > "$etc/group"
    printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$etc/nsswitch.conf"
fi

# --no-cache: Buildah reuses a cached LABEL layer even when the revision passed in has changed.
# --network none: the build's one RUN, a start of Vigil that records the classes it loads, reaches nothing (its
# BullMQ source is reported down, as it would be).
echo "== building $IMAGE (a start of Vigil inside the build records its classes; it logs its Redis as down)"
"$ENGINE" build --quiet --no-cache --network none -f "$containerfile" -t "$IMAGE" "${base_args[@]}" \
    --build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION" \
    --build-arg "SOURCE=$SOURCE" --build-arg "LICENSES=$LICENSES" "$context" >/dev/null
size="$("$ENGINE" image inspect --format '{{.Size}}' "$IMAGE")"
echo "== built $IMAGE: $((size / 1024 / 1024)) MiB"
