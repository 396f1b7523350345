#!/usr/bin/env bash
# Installs what remopt needs to build on Debian 12 and is not yet there:
# cmake, a C++ compiler, make and libclang-dev (HiGHS is built from source by
# the highs-sys crate, whose bindgen step loads libclang at build time).
# Then checks that every one of them is really usable, so that a missing piece
# is reported now and not after the 4-minute HiGHS build. Safe to run again.
# With --with-slurm it also installs Slurm (slurm-wlm) and munge, which the
# real-Slurm test (tests/slurm.rs) starts on this one machine.
# With --with-chromium it also installs Debian's chromium, which the browser
# test of report.html (tests/report_html.rs) runs headless.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

with_slurm=0
with_chromium=0
for arg in "$@"; do
  case "$arg" in
    --with-slurm) with_slurm=1 ;;
    --with-chromium) with_chromium=1 ;;
    *) echo "setup: unknown argument $arg (known: --with-slurm, --with-chromium)" >&2; exit 2 ;;
  esac
done

missing=()
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v make >/dev/null 2>&1 || missing+=(make)
# bindgen needs the C library libclang; libclang-cpp (often present alone) is not it.
bash "$here/find-libclang.sh" >/dev/null || missing+=(libclang-dev)
if [ "$with_slurm" -eq 1 ]; then
  for tool in slurmctld slurmd sbatch squeue; do
    command -v "$tool" >/dev/null 2>&1 || { missing+=(slurm-wlm); break; }
  done
  command -v munged >/dev/null 2>&1 || missing+=(munge)
fi
if [ "$with_chromium" -eq 1 ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt-get" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Fail fast: check again what the build will use.
problems=()
command -v cmake >/dev/null 2>&1 || problems+=("cmake is not on PATH")
command -v g++ >/dev/null 2>&1 || problems+=("g++ is not on PATH")
command -v make >/dev/null 2>&1 || problems+=("make is not on PATH")
libclang="$(bash "$here/find-libclang.sh" || true)"
[ -n "$libclang" ] || problems+=("no libclang shared library (libclang.so*) found; install libclang-dev or set LIBCLANG_PATH")
if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    problems+=("cargo is in ~/.cargo/bin but not on PATH: run 'source ~/.cargo/env'")
  else
    problems+=("Rust is missing: install it from https://rustup.rs (remopt needs Rust 1.85 or newer)")
  fi
fi
if [ "$with_slurm" -eq 1 ]; then
  for tool in munged munge slurmctld slurmd sbatch squeue sinfo; do
    command -v "$tool" >/dev/null 2>&1 || problems+=("$tool is not on PATH (packages slurm-wlm and munge)")
  done
fi
if [ "$with_chromium" -eq 1 ]; then
  command -v chromium >/dev/null 2>&1 || problems+=("chromium is not on PATH (package chromium)")
fi
if [ ${#problems[@]} -gt 0 ]; then
  for p in "${problems[@]}"; do echo "setup: $p" >&2; done
  exit 1
fi
echo "setup: cmake, g++, make, cargo and libclang ($libclang) are present" >&2
if [ "$with_slurm" -eq 1 ]; then echo "setup: slurm and munge are present" >&2; fi
if [ "$with_chromium" -eq 1 ]; then echo "setup: chromium is present" >&2; fi
