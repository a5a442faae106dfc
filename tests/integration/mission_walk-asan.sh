#!/bin/sh
# The fire-mission walk again with the ASan/UBSan build of fagpt: every round, correction and bad input clean.
cd "$(dirname "$0")/../.." || exit 1
FAGPT_BIN="$(pwd)/build/asan/fagpt" exec tests/integration/mission_walk.sh
