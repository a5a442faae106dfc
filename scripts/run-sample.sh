#!/bin/sh
# `make run`: renders the user guide into the sample library, ingests it and the user's library folder
# ($FAGPT_HOME/library, where PDFs can simply be dropped), then opens the interactive `fagpt ask` prompt.
set -eu
cd "$(dirname "$0")/.."
home=${FAGPT_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/fagpt}
mkdir -p build/sample "$home/library"
groff -ms -Tpdf docs/user-guide.ms > build/sample/FA-GPT_User_Guide.pdf
echo "Library folder: $home/library (drop PDFs there, or run build/fagpt ingest FILE_OR_FOLDER)"
build/fagpt --home "$home" ingest build/sample || [ $? -eq 2 ]
build/fagpt --home "$home" ingest || [ $? -eq 2 ]   # the library folder
build/fagpt --home "$home" docs
echo
echo "Try: what is an FSCM?   |   what happens to a file that cannot be read?"
exec build/fagpt --home "$home" ask
