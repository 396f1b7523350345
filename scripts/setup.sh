#!/usr/bin/env bash
# Installs what remopt needs to build on Debian 12 and is not yet there:
# cmake, a C++ compiler and libclang-dev (HiGHS is built from source by the
# highs-sys crate, whose bindgen step needs libclang). Safe to run again.
set -euo pipefail

missing=()
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v make >/dev/null 2>&1 || missing+=(make)
if ! ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 && ! ls /usr/lib/x86_64-linux-gnu/libclang*.so* >/dev/null 2>&1; then
  missing+=(libclang-dev)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt-get" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    echo "setup: cargo is in ~/.cargo/bin; add it to PATH (source ~/.cargo/env)" >&2
  else
    echo "setup: Rust is missing; install it from https://rustup.rs (remopt needs Rust 1.85 or newer)" >&2
  fi
  exit 1
fi
echo "setup: cmake, g++, libclang and cargo are present" >&2
