#!/bin/sh
# The LLM suite again with the ASan/UBSan build of fagpt: every failure path must not crash, leak or misbehave.
cd "$(dirname "$0")/../.." || exit 1
FAGPT_BIN=build/asan/fagpt exec tests/integration/llm.sh
