# Sourced by the scripts: where the project is, the build (made when missing or older than the
# sources), and how to call the clusteremu command line.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/cluster-node/target/cluster-node.jar"
CLASSPATH_EMU="$JAR:$ROOT/cluster-node/target/lib/*"
export CLUSTEREMU_HOME="$ROOT"
export CLUSTEREMU_RUNS="${CLUSTEREMU_RUNS:-$ROOT/runs}"

ensure_built() {
  # Tests run the scripts on the build under test: they set CLUSTEREMU_NO_BUILD=1.
  [ -n "${CLUSTEREMU_NO_BUILD:-}" ] && return 0
  if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
    echo "clusteremu: needs java (17+) and mvn on the PATH" >&2
    exit 2
  fi
  local newer=""
  if [ -f "$JAR" ]; then
    newer=$(find "$ROOT/pom.xml" "$ROOT/tiers/pom.xml" "$ROOT/tiers/src/main" \
      "$ROOT/cluster-node/pom.xml" "$ROOT/cluster-node/src/main" -newer "$JAR" -type f -print -quit)
  fi
  if [ ! -f "$JAR" ] || [ -n "$newer" ]; then
    echo "building clusteremu (mvn -q -B -DskipTests package) ..." >&2
    (cd "$ROOT" && mvn -q -B -DskipTests package) || { echo "clusteremu: the build failed" >&2; exit 1; }
    touch "$JAR"
  fi
}

# The command line, in a small quick-starting JVM (it only launches, reads and signals).
clusteremu_cli() {
  java -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$CLASSPATH_EMU" clusteremu.node.cli.Main "$@"
}

# True when the arguments ask for help or the version: scripts that start a cluster before their
# command runs answer that first, and start nothing.
help_requested() {
  local arg
  for arg in "$@"; do
    case "$arg" in -h | --help | -V | --version) return 0 ;; esac
  done
  return 1
}
