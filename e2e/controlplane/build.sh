#!/usr/bin/env bash
# Builds the local Kubernetes control plane (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl, kwok) from their Go modules
# into a per-machine cache outside the repository:
#
#   ${PADDOCK_CACHE:-$HOME/.cache/paddock}/controlplane/<k8s-version>/bin/
#
# Only missing (or out-of-date) binaries are built; with everything present it
# returns at once. The last line on stdout is the bin directory, so callers can
# run `bin=$(e2e/controlplane/build.sh | tail -n1)`.
#
# Options:
#   --print-bin-dir   print the bin directory and exit (builds nothing)
#   --force           rebuild every binary
#
# kwok-stages.yaml beside kwok holds kwok's default node and pod lifecycle stages.
#
# Each binary gets a stamp file (<name>.stamp) holding a hash of the go.mod and
# go.sum it was built from; a changed module pin rebuilds that binary.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The Kubernetes release comes from kubernetes/go.mod, the one place it is pinned.
k8s_version="$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" {print $3} $1 == "k8s.io/kubernetes" && $2 ~ /^v/ {print $2}' "$here/kubernetes/go.mod" | head -n1)"
if [[ -z "$k8s_version" ]]; then
  echo "build.sh: cannot read the k8s.io/kubernetes version from $here/kubernetes/go.mod" >&2
  exit 1
fi
cache_root="${PADDOCK_CACHE:-$HOME/.cache/paddock}"
bin_dir="$cache_root/controlplane/$k8s_version/bin"

force=false
for arg in "$@"; do
  case "$arg" in
    --print-bin-dir) echo "$bin_dir"; exit 0 ;;
    --force) force=true ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

# binary name -> "<module dir> <package>"
declare -A module_of=(
  [etcd]="etcd ."
  [kube-apiserver]="kubernetes k8s.io/kubernetes/cmd/kube-apiserver"
  [kube-controller-manager]="kubernetes k8s.io/kubernetes/cmd/kube-controller-manager"
  [kube-scheduler]="kubernetes k8s.io/kubernetes/cmd/kube-scheduler"
  [kubectl]="kubernetes k8s.io/kubernetes/cmd/kubectl"
  [kwok]="kwok sigs.k8s.io/kwok/cmd/kwok"
)
order=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)

stamp_of() { # module dir -> hash of what the binary is built from
  cat "$here/$1/go.mod" "$here/$1/go.sum" | sha256sum | cut -c1-64
}

missing() { # prints the binaries that must be (re)built
  local name mod
  for name in "${order[@]}"; do
    mod="${module_of[$name]%% *}"
    if $force || [[ ! -x "$bin_dir/$name" ]] || [[ ! -f "$bin_dir/$name.stamp" ]] \
      || { [[ "$name" == kwok ]] && [[ ! -f "$bin_dir/kwok-stages.yaml" ]]; } \
      || [[ "$(cat "$bin_dir/$name.stamp")" != "$(stamp_of "$mod")" ]]; then
      echo "$name"
    fi
  done
}

todo="$(missing)"
if [[ -z "$todo" ]]; then
  echo "$bin_dir"
  exit 0
fi

mkdir -p "$bin_dir"
# One build at a time per machine (tests and `paddock up` may race).
exec 9>"$bin_dir/.build.lock"
if command -v flock >/dev/null; then
  flock 9
  todo="$(missing)" # another build may have finished meanwhile
  if [[ -z "$todo" ]]; then
    echo "$bin_dir"
    exit 0
  fi
fi

# a JVM or IDE may start us without the Go toolchain's usual PATH entry
if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="$PATH:/usr/local/go/bin"
fi
command -v go >/dev/null || { echo "build.sh: the go command is not on PATH; it is needed to build: $(echo $todo)" >&2; exit 1; }

# kube-apiserver/kubectl report this version; kubectl and the apiserver compare it.
k8s_major="${k8s_version#v}"; k8s_major="${k8s_major%%.*}"
k8s_minor="${k8s_version#v*.}"; k8s_minor="${k8s_minor%%.*}"
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=$k8s_major -X $pkg.gitMinor=$k8s_minor"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

export CGO_ENABLED=0
export GOFLAGS="-buildvcs=false ${GOFLAGS:-}"
start=$(date +%s)
failed=()
tmp="$(mktemp -d "$bin_dir/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "build.sh: building into $bin_dir: $(echo $todo)" >&2
for mod in etcd kubernetes kwok; do
  names=() pkgs=()
  for name in $todo; do
    if [[ "${module_of[$name]%% *}" == "$mod" ]]; then
      names+=("$name")
      pkgs+=("${module_of[$name]#* }")
    fi
  done
  ((${#names[@]})) || continue
  ldflags="-s -w"
  [[ "$mod" == kubernetes ]] && ldflags="$k8s_ldflags"
  mod_start=$(date +%s)
  echo "build.sh: [$mod] go build ${names[*]} ..." >&2
  log="$tmp/$mod.log"
  # Packages of one module are built in one go command so shared packages compile once.
  if (cd "$here/$mod" && go build -trimpath -ldflags "$ldflags" -o "$tmp/" "${pkgs[@]}") >"$log" 2>&1; then
    :
  elif ((${#names[@]} > 1)); then
    # Find out exactly which binaries fail, building them one by one.
    for i in "${!names[@]}"; do
      if ! (cd "$here/$mod" && go build -trimpath -ldflags "$ldflags" -o "$tmp/${names[$i]}" "${pkgs[$i]}") >"$log.${names[$i]}" 2>&1; then
        rm -f "$tmp/${names[$i]}"
        echo "build.sh: FAILED to build ${names[$i]} (${pkgs[$i]} in $here/$mod):" >&2
        cat "$log.${names[$i]}" >&2
      fi
    done
  else
    echo "build.sh: FAILED to build ${names[0]} (${pkgs[0]} in $here/$mod):" >&2
    cat "$log" >&2
  fi
  # go build -o dir/ names each binary after the last element of its import path
  # (dev.paddock/e2e/controlplane/etcd -> etcd, .../cmd/kwok -> kwok).
  if [[ "$mod" == kwok && -x "$tmp/kwok" ]]; then
    # The kwok binary has no built-in stages (kwokctl passes them in its config), so take
    # the default "fast" node and pod stages from the very module version that was built.
    kwok_dir="$(cd "$here/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
    for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
      pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
      echo "---"
      cat "$kwok_dir/kustomize/stage/$f"
    done >"$tmp/kwok-stages.yaml"
    mv -f "$tmp/kwok-stages.yaml" "$bin_dir/kwok-stages.yaml"
  fi
  for name in "${names[@]}"; do
    if [[ -x "$tmp/$name" ]]; then
      mv -f "$tmp/$name" "$bin_dir/$name"
      stamp_of "$mod" >"$bin_dir/$name.stamp"
    else
      failed+=("$name")
    fi
  done
  echo "build.sh: [$mod] finished in $(($(date +%s) - mod_start)) s" >&2
done

echo "build.sh: build took $(($(date +%s) - start)) s (wall time)" >&2
if ((${#failed[@]})); then
  echo "build.sh: could not build: ${failed[*]} (errors above)" >&2
  exit 1
fi
echo "$bin_dir"
