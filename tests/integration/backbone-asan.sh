#!/bin/sh
# The backbone suite again with the ASan/UBSan build of fagpt: bad input must not crash, leak or misbehave.
cd "$(dirname "$0")/../.." || exit 1
FAGPT_BIN=build/asan/fagpt exec tests/integration/backbone.sh
