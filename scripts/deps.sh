# scripts/deps.sh: installing what the scripts need, shared by scripts/run, scripts/test and
# scripts/bench. Source it, then `need SCRIPT CMD:PACKAGE...`: every PACKAGE whose CMD is not on
# PATH is installed with apt-get (as root; Debian's packages), else the script stops naming them.

need() {
  local script=$1 pair cmd package
  shift
  local missing=()
  for pair in "$@"; do
    cmd=${pair%%:*}
    package=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 && continue
    [[ " ${missing[*]} " == *" $package "* ]] || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "$script: missing ${missing[*]}; install them (Debian: apt-get install -y ${missing[*]}) or run as root on Debian" >&2
    exit 1
  fi
  echo "$script: installing ${missing[*]} (Debian packages)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; }
}
