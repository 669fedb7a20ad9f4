# Sourced by the Wine scripts: start/stop a private Xvfb on the first free display from :90 up.
# xvfb_start exports DISPLAY and XVFB_PID; xvfb_stop kills that one process (never others).

xvfb_start() {
    local n
    for n in $(seq 90 140); do
        [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
        Xvfb ":$n" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
        XVFB_PID=$!
        local i
        for i in $(seq 1 100); do
            if [ -S "/tmp/.X11-unix/X$n" ]; then
                if kill -0 "$XVFB_PID" 2>/dev/null; then
                    export DISPLAY=":$n" XVFB_PID
                    return 0
                fi
            fi
            kill -0 "$XVFB_PID" 2>/dev/null || break
            sleep 0.05
        done
        kill "$XVFB_PID" 2>/dev/null || true
    done
    echo "xvfb_start: no free display" >&2
    return 1
}

xvfb_stop() {
    if [ -n "${XVFB_PID:-}" ]; then
        kill "$XVFB_PID" 2>/dev/null || true
        wait "$XVFB_PID" 2>/dev/null || true
        unset XVFB_PID
    fi
}
