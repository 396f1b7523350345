#!/usr/bin/env bash
# Prints the path of a libclang shared library that bindgen (clang-sys) can
# load, and exits 0; exits 1, printing nothing, when there is none.
#
# bindgen loads the C library libclang (libclang.so, libclang.so.1,
# libclang-14.so.1, ...). libclang-cpp.so.* is the C++ library of the same
# name stem: it does not provide the clang_* C functions, so it does not count.
#
# Usage: find-libclang.sh [DIR...]   searches only DIR... (used by the tests);
#        with no DIR, searches $LIBCLANG_PATH and the directories clang-sys
#        searches on Debian.
set -u
shopt -s nullglob

if [ $# -gt 0 ]; then
  dirs=("$@")
else
  dirs=()
  [ -n "${LIBCLANG_PATH:-}" ] && dirs+=("$LIBCLANG_PATH")
  if command -v llvm-config >/dev/null 2>&1; then
    dirs+=("$(llvm-config --libdir 2>/dev/null)")
  fi
  dirs+=(/usr/lib/llvm-*/lib /usr/lib/*-linux-gnu /usr/lib64 /usr/lib /usr/local/lib /usr/local/lib64)
fi

for dir in "${dirs[@]}"; do
  [ -d "$dir" ] || continue
  for file in "$dir"/libclang.so "$dir"/libclang.so.* "$dir"/libclang-[0-9]*.so "$dir"/libclang-[0-9]*.so.*; do
    if [ -e "$file" ]; then
      echo "$file"
      exit 0
    fi
  done
done
exit 1
