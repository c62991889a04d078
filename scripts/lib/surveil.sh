# Shared by the scripts in scripts/: where the project is, and how to build and start a program.
# Sourced, not run.

SURVEIL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# The runnable jar of a program (dispatcher, runner or observer).
surveil_jar() {
  echo "$SURVEIL_ROOT/$1/target/surveil-$1.jar"
}

# Builds the jars with Maven when any of them is missing (the first run on a fresh clone).
surveil_ensure_built() {
  local program missing=0
  for program in dispatcher runner observer; do
    [ -f "$(surveil_jar "$program")" ] || missing=1
  done
  [ "$missing" = 1 ] || return 0
  command -v mvn >/dev/null || { echo "surveil: Maven (mvn) is needed to build Surveil; install it and try again" >&2; return 1; }
  echo "surveil: building Surveil with Maven (first run only; takes a minute)..." >&2
  (cd "$SURVEIL_ROOT" && mvn -B -q -DskipTests package) >&2 || {
    echo "surveil: the build failed; run 'mvn -B package' in $SURVEIL_ROOT to see why" >&2
    return 1
  }
}

# Runs a program in place of the calling script: surveil_exec PROGRAM ARGS...
surveil_exec() {
  local program="$1"
  shift
  surveil_ensure_built || exit 1
  command -v java >/dev/null || { echo "surveil: java (JDK 17 or newer) is not on the PATH" >&2; exit 1; }
  # shellcheck disable=SC2086  # SURVEIL_JAVA_OPTS is a list of JVM flags
  exec java ${SURVEIL_JAVA_OPTS:-} -jar "$(surveil_jar "$program")" "$@"
}
