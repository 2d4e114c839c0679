# What the launcher and test-deps share, sourced by both: running a command as root, which Java
# segvid builds and runs with and whether it can build it (a JDK, 17 or newer; JAVA_HOME wins over
# PATH, as it does for Maven), which system libraries the natives need are missing, and the math mode
# the launcher gives oneDNN.

# The command as root: directly when root, through sudo otherwise; fails without sudo.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi; }

segvid_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"; else command -v java || true; fi
}

# The feature version in a version string as `java -version` quotes it: 8 for "1.8.0_392", 17 for
# "17.0.15", 21 for "21-ea", 25 for "25"; 0 for anything else.
feature_version() {
  local v="${1#1.}"
  v="${v%%[!0-9]*}"
  echo "${v:-0}"
}

# That Java's home (bin/java's folder's parent, links resolved); empty when there is none.
java_home_of_segvid_java() {
  local j
  j="$(segvid_java)"
  [ -n "$j" ] && dirname "$(dirname "$(readlink -f "$j")")"
  return 0
}

# The feature version of that Java, 0 when there is none: from its home's release file (no JVM started
# on every launch), else from `java -version`.
java_major() {
  local j release
  j="$(segvid_java)"
  [ -n "$j" ] || { echo 0; return; }
  release="$(java_home_of_segvid_java)/release"
  if [ -f "$release" ]; then
    feature_version "$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$release")"
  else
    feature_version "$("$j" -version 2>&1 | awk -F'"' '/version "/ {print $2; exit}')"
  fi
}

# A JDK (javac beside java: Maven compiles in its own JVM) of version 17 or newer.
jdk_ok() {
  local j
  j="$(segvid_java)"
  [ -n "$j" ] && [ -x "$(java_home_of_segvid_java)/bin/javac" ] && [ "$(java_major)" -ge 17 ]
}

# The first JDK package of version 17 or newer that this machine's apt offers (after apt-get update).
jdk_package() {
  local p
  for p in openjdk-17-jdk-headless openjdk-21-jdk-headless openjdk-25-jdk-headless default-jdk-headless; do
    if [ -n "$(apt-cache show "$p" 2>/dev/null | head -1)" ]; then echo "$p"; return; fi
  done
}

# JVM options that keep Java 23+ from warning about what the native libraries and protobuf do by design
# (JNI loading, sun.misc.Unsafe); Java 17 takes the first and would reject the second.
quiet_jvm_options() {
  local major="$1"
  echo "--enable-native-access=ALL-UNNAMED"
  [ "$major" -ge 23 ] && echo "--sun-misc-unsafe-memory-access=allow"
  return 0
}

# The packages of .ci/native-libraries.tsv (FILE) whose sonames the dynamic loader cannot find, one a
# line; nothing where there is no ldconfig to ask. Sonames, not package names, are checked, since
# distributions rename packages (Debian 13 and Ubuntu 24.04 ship libasound.so.2 in libasound2t64); apt
# takes the old name for the renamed package.
missing_library_packages() {
  local known soname package
  known="$({ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null)" || true
  [ -n "$known" ] || return 0
  while IFS=$'\t' read -r soname package _ || [ -n "$soname" ]; do  # a last line without its newline too
    case "$soname" in ''|'#'*) continue ;; esac
    grep -q "[[:space:]]$soname (" <<<"$known" || echo "$package"
  done < "$1" | sort -u
}

# The package apt-get can install under Debian 12's name NAME (the name the lists and scripts use): NAME
# where apt has a version of it; where NAME is only provided by other packages (Debian 13 and Ubuntu
# 24.04 renamed libraries, libasound2 to libasound2t64; Ubuntu's `chromium` is `chromium-browser`), the
# provider named after it, else the first. apt-get picks a sole provider itself but refuses a name two
# packages provide (Ubuntu's universe has a second libasound2). NAME itself where apt knows nothing.
apt_package_for() {
  local name="$1" p providers=()
  if LC_ALL=C apt-cache policy "$name" 2>/dev/null | grep -q 'Candidate: [^(]'; then echo "$name"; return 0; fi
  mapfile -t providers < <(LC_ALL=C apt-cache showpkg "$name" 2>/dev/null \
      | sed -n '/^Reverse Provides:/,$p' | awk 'NR > 1 && NF { print $1 }' | awk '!seen[$0]++')
  for p in "${providers[@]}"; do
    case "$p" in "$name"*) echo "$p"; return 0 ;; esac
  done
  echo "${providers[0]:-$name}"
}

# oneDNN's floating-point math mode for the segvid command $1 on the CPU that CPUINFO ($2, default
# /proc/cpuinfo) describes: BF16 (convolutions read bfloat16 inputs, keep float32 sums) where the CPU
# has AMX, for every command but train; nothing otherwise. On an AMX Xeon it gave 12 % more frames/s
# at the same mIoU; training ran no faster, so it stays exact (docs/performance.md, session 34).
convolution_math_mode() {
  if [ "${1:-}" != train ] && grep -qw amx_bf16 "${2:-/proc/cpuinfo}" 2>/dev/null; then echo BF16; fi
}
