#!/usr/bin/env bash
# Run a script in Windows Python under Wine, headless, then tear everything down.
#
#   tools/wine/run.sh [--timeout SECONDS] SCRIPT.py [ARGS...]     # a file (Linux path)
#   tools/wine/run.sh -m:ashare_gateway serve --broker xiadan ...  # a module
#
# Sets Wine up first if needed (tools/wine/setup.sh), starts a private Xvfb and the prefix's wineserver,
# gives python.exe pipes on all three streams (Wine 8 needs them), bounds the run, and kills Xvfb and
# wineserver at the end. The repo's src/ and tools/wine/ are on the Windows sys.path.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=${ASHARE_HOST_PYTHON:-$ROOT/.venv/bin/python}
[ -x "$PY" ] || PY=python3
exec timeout --kill-after=15 "${ASHARE_WINE_RUN_LIMIT:-1800}" "$PY" "$HERE/winenv.py" "$@"
