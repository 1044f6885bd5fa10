#!/usr/bin/env bash
# Runs build/handout under valgrind for `make valgrind`: any memory error or
# leak (definite, indirect or possible) makes the command exit 99, which the
# end-to-end checks then report as a failure.
exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
  --error-exitcode=99 "${HANDOUT_BIN:-build/handout}" "$@"
