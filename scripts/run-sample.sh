#!/bin/sh
# `make run`: renders the user guide into the sample library, ingests it and the user's library folder
# ($FAGPT_HOME/library, where PDFs can simply be dropped), then serves the web UI on this machine only
# (FAGPT_LISTEN, default 127.0.0.1:8080). With no account yet, the server prints a setup address
# (http://127.0.0.1:8080/setup, answered only to this machine) where the first admin is created; or create one
# beforehand with `build/fagpt user add NAME --admin`. Ctrl-C stops the server.
set -eu
cd "$(dirname "$0")/.."
home=${FAGPT_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/fagpt}
listen=${FAGPT_LISTEN:-127.0.0.1:8080}
mkdir -p build/sample "$home/library"
groff -ms -Tpdf docs/user-guide.ms > build/sample/FA-GPT_User_Guide.pdf
echo "Library folder: $home/library (drop PDFs there, upload them in the browser, or run build/fagpt ingest FILE)"
build/fagpt --home "$home" ingest build/sample || [ $? -eq 2 ]
build/fagpt --home "$home" ingest || [ $? -eq 2 ]   # the library folder
build/fagpt --home "$home" docs
echo
echo "Open the address below in a browser. Try asking: what is an FSCM?"
exec build/fagpt --home "$home" serve --listen "$listen"
