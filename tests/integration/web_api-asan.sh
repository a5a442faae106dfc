#!/bin/sh
# The web API suite again with the ASan/UBSan build of fagpt: every endpoint and error path must run clean.
cd "$(dirname "$0")/../.." || exit 1
FAGPT_BIN=build/asan/fagpt exec tests/integration/web_api.sh
