#!/usr/bin/env bash
# CI step for the Wine tests (called from .ci/run): set Wine up on a fresh machine, run
#   ASHARE_WINE=1 pytest tests/wine -m wine
# and clean up (wineserver, Xvfb), all within ~10 minutes (ASHARE_WINE_CI_BUDGET seconds).
# ASHARE_WINE_DURATIONS=N lists the N slowest phases (0: all), to see which wait the time goes to.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WH=${ASHARE_WINE_HOME:-$ROOT/.wine}
BUDGET=${ASHARE_WINE_CI_BUDGET:-600}
PY=${ASHARE_HOST_PYTHON:-$ROOT/.venv/bin/python}
[ -x "$PY" ] || PY=python3
start=$(date +%s)
left() { echo $(( BUDGET - ($(date +%s) - start) )); }

cleanup() {
    # Only what this step started: the prefix's wineserver and the Xvfb the harness recorded.
    if [ -d "$WH/prefix" ] && command -v wineserver >/dev/null 2>&1; then
        WINEPREFIX="$WH/prefix" timeout 20 wineserver -k >/dev/null 2>&1 || true
    fi
    if [ -f "$WH/xvfb.pid" ]; then
        pid=$(cat "$WH/xvfb.pid")
        if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "Xvfb" ]; then kill "$pid" 2>/dev/null || true; fi
        rm -f "$WH/xvfb.pid"
    fi
}
trap cleanup EXIT

echo "[wine-ci] setup (budget ${BUDGET}s)"
if ! timeout --kill-after=10 $(( $(left) - 240 )) bash "$HERE/setup.sh"; then
    echo "[wine-ci] tools/wine/setup.sh failed after $(( $(date +%s) - start ))s"
    exit 1
fi
echo "[wine-ci] setup done in $(( $(date +%s) - start ))s; running tests/wine"
cd "$ROOT"
ASHARE_WINE=1 timeout --kill-after=20 $(( $(left) - 20 )) "$PY" -m pytest tests/wine -m wine -q -p no:cacheprovider \
    -o addopts="-ra" --durations="${ASHARE_WINE_DURATIONS:-5}"
rc=$?
echo "[wine-ci] finished in $(( $(date +%s) - start ))s (pytest rc=$rc)"
exit $rc
