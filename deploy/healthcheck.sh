#!/bin/bash
# Container health probe for the hotline image, without curl or wget: GET /healthz over bash's
# /dev/tcp and expect HTTP 200.
#
#   hotline-healthcheck            probe the services this container runs, read from PID 1's
#                                  command line (knowledge|tickets|notify|console, or all four
#                                  for run)
#   hotline-healthcheck PORT...    probe exactly these ports
#
# Ports follow HOTLINE_KNOWLEDGE_PORT / HOTLINE_TICKETS_PORT / HOTLINE_NOTIFY_PORT /
# HOTLINE_CONSOLE_PORT; the console's address follows HOTLINE_CONSOLE_HOST like the binary.
set -u

# A wildcard bind is reached on loopback.
reachable() {
    case "$1" in 0.0.0.0 | "::" | "[::]" | "") printf '127.0.0.1' ;; *) printf '%s' "$1" ;; esac
}
host=$(reachable "${HOTLINE_HOST:-127.0.0.1}")
console_host=$(reachable "${HOTLINE_CONSOLE_HOST:-${HOTLINE_HOST:-127.0.0.1}}")

k="${HOTLINE_KNOWLEDGE_PORT:-8081}"
t="${HOTLINE_TICKETS_PORT:-8082}"
n="${HOTLINE_NOTIFY_PORT:-8083}"
c="${HOTLINE_CONSOLE_PORT:-8080}"

# The subcommand of the hotline process in this container (PID 1, or a child of an init
# such as `docker run --init`).
subcommand() {
    local f argv
    for f in /proc/1/cmdline /proc/[0-9]*/cmdline; do
        [ -r "$f" ] || continue
        mapfile -d '' -t argv <"$f" 2>/dev/null || continue
        if [ "${#argv[@]}" -ge 2 ] && [ "${argv[0]##*/}" = hotline ]; then
            printf '%s' "${argv[1]}"
            return
        fi
    done
}

ports=("$@")
if [ ${#ports[@]} -eq 0 ]; then
    case "$(subcommand)" in
        knowledge) ports=("$k") ;;
        tickets) ports=("$t") ;;
        notify) ports=("$n") ;;
        console) ports=("$c") ;;
        *) ports=("$k" "$t" "$n" "$c") ;;
    esac
fi

probe() {
    local port="$1" host="$host" status
    [ "$port" = "$c" ] && host="$console_host"
    # 4 s per port: the HEALTHCHECK timeout is 5 s.
    status=$(timeout 4 bash -c '
        exec 3<>"/dev/tcp/$0/$1" || exit 1
        printf "GET /healthz HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" "$0" >&3
        IFS= read -r line <&3 || exit 1
        cat <&3 >/dev/null  # drain, so the server sees an orderly close
        printf "%s" "$line"
    ' "$host" "$port" 2>/dev/null) || status=""
    case "$status" in
        "HTTP/1."[01]" 200"*) return 0 ;;
        *) echo "hotline-healthcheck: $host:$port/healthz answered '${status%$'\r'}'" >&2; return 1 ;;
    esac
}

rc=0
for p in "${ports[@]}"; do
    probe "$p" || rc=1
done
exit $rc
