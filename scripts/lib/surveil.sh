# Shared by the scripts in scripts/: where the project is, and how to build and start a program.
# Sourced, not run.

SURVEIL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# The runnable jar of a program (dispatcher, runner or observer).
surveil_jar() {
  echo "$SURVEIL_ROOT/$1/target/surveil-$1.jar"
}

# Builds the jars with Maven when one is missing (the first run on a fresh clone) or older than
# a source file or pom of the programs (after an edit or a pull).
surveil_ensure_built() {
  local program jar stale=""
  for program in dispatcher runner observer; do
    jar="$(surveil_jar "$program")"
    # Only what goes into the jar counts: a test being edited must not trigger a rebuild.
    if [ ! -f "$jar" ] || [ -n "$(find "$SURVEIL_ROOT/pom.xml" "$SURVEIL_ROOT/common/pom.xml" \
        "$SURVEIL_ROOT/common/src/main" "$SURVEIL_ROOT/$program/pom.xml" \
        "$SURVEIL_ROOT/$program/src/main" -newer "$jar" -type f -print -quit)" ]; then
      stale="$program"
    fi
  done
  [ -n "$stale" ] || return 0
  command -v mvn >/dev/null || { echo "surveil: Maven (mvn) is needed to build Surveil; install it and try again" >&2; return 1; }
  echo "surveil: building Surveil with Maven (the jars are missing or older than the sources)..." >&2
  local log
  log="$(mktemp)"
  if ! (cd "$SURVEIL_ROOT" && mvn -B -q -DskipTests package) >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    rm -f "$log"
    echo "surveil: the build failed (above); run 'mvn -B package' in $SURVEIL_ROOT for the whole story" >&2
    return 1
  fi
  rm -f "$log"
}

# Runs a program in place of the calling script: surveil_exec PROGRAM ARGS...
surveil_exec() {
  local program="$1"
  shift
  surveil_ensure_built || exit 1
  command -v java >/dev/null || { echo "surveil: java (JDK 17 or newer) is not on the PATH" >&2; exit 1; }
  # shellcheck disable=SC2086  # SURVEIL_JAVA_OPTS is a list of JVM flags
  exec java $(surveil_default_java_opts "$program") ${SURVEIL_JAVA_OPTS:-} \
    -jar "$(surveil_jar "$program")" "$@"
}

# The JVM flags a program gets unless SURVEIL_JAVA_OPTS (which comes after) overrides them.
# The runner and observer mostly wait: the serial collector and a small starting heap keep their
# idle memory near what they use (about 100 MB instead of 170 MB with the JVM's defaults), and C1
# alone compiles fast enough for their short bursts of work. The dispatcher keeps the defaults,
# because its request rate is bound by CPU.
surveil_default_java_opts() {
  case "$1" in
    runner|observer) echo "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms16m -Xmx256m" ;;
    *) echo "" ;;
  esac
}
