#!/usr/bin/env bash
# The cross-namespace discovery test (.ci/run runs it after the build): two network namespaces joined by a veth pair,
# a DNS server (Debian's dnsmasq) bound to the test's own address only, serving SRV records for both nodes, and one node
# in each namespace (tests/Partisan.DiscoveryCheck). They find each other through DNS and each calls the other.
# Exit 0: passed; 1: failed; 3: NOT RUN (not root, no `ip`, namespaces cannot be created, no dnsmasq) - never a pass.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
check="$repo/tests/Partisan.DiscoveryCheck/bin/Release/net10.0/Partisan.DiscoveryCheck.dll"
not_run() { echo "NOT RUN: $*"; exit 3; }

[ "$(id -u)" -eq 0 ] || not_run "network namespaces need root (id -u is $(id -u))"
command -v ip > /dev/null 2>&1 || not_run "the ip command (iproute2) is missing"
[ -f "$check" ] || { echo "the check program is not built: $check"; exit 1; }
if ! command -v dnsmasq > /dev/null 2>&1; then
    echo "-- installing Debian's dnsmasq-base (the dnsmasq binary, no service)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dnsmasq-base; } \
        || not_run "dnsmasq is missing and could not be installed"
fi

tag="p$$"                       # names unique to this run (interface names must stay under 16 characters)
ns_a="partisan-$tag-a"
ns_b="partisan-$tag-b"
work="$(mktemp -d /tmp/partisan-netns.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2> /dev/null || true; done
    ip netns del "$ns_a" 2> /dev/null || true
    ip netns del "$ns_b" 2> /dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' TERM INT

ip netns add "$ns_a" 2> "$work/err" || not_run "cannot create a network namespace: $(cat "$work/err")"
ip netns add "$ns_b"
ip link add "${tag}a" type veth peer name "${tag}b"
ip link set "${tag}a" netns "$ns_a"
ip link set "${tag}b" netns "$ns_b"
ip -n "$ns_a" addr add 10.200.0.1/24 dev "${tag}a"
ip -n "$ns_b" addr add 10.200.0.2/24 dev "${tag}b"
for ns in "$ns_a" "$ns_b"; do ip -n "$ns" link set lo up; done
ip -n "$ns_a" link set "${tag}a" up
ip -n "$ns_b" link set "${tag}b" up

srv="_partisan._tcp.partisan.test"
echo "-- dnsmasq on 10.200.0.1:53 (namespace $ns_a only): $srv -> a.partisan.test:9000, b.partisan.test:9000"
ip netns exec "$ns_a" dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --bind-interfaces \
    --listen-address=10.200.0.1 --port=53 --user=root --pid-file="$work/dnsmasq.pid" --log-queries --log-facility=- \
    --srv-host="$srv,a.partisan.test,9000" --srv-host="$srv,b.partisan.test,9000" \
    --host-record=a.partisan.test,10.200.0.1 --host-record=b.partisan.test,10.200.0.2 > "$work/dnsmasq.log" 2>&1 &
pids+=($!)

echo "-- node a in $ns_a (10.200.0.1), node b in $ns_b (10.200.0.2); both ask 10.200.0.1:53"
ip netns exec "$ns_a" dotnet "$check" a 10.200.0.1 "$srv" 10.200.0.1:53 > "$work/a.log" 2>&1 &
a=$!
pids+=("$a")
ip netns exec "$ns_b" dotnet "$check" b 10.200.0.2 "$srv" 10.200.0.1:53 > "$work/b.log" 2>&1 &
b=$!
pids+=("$b")

status=0
wait "$a" || status=1
wait "$b" || status=1
cat "$work/a.log" "$work/b.log"
if [ "$status" -ne 0 ]; then
    echo "-- dnsmasq log"
    cat "$work/dnsmasq.log"
    echo "FAILED: the nodes did not find and call each other through DNS"
    exit 1
fi
echo "passed: two nodes in two network namespaces found each other through DNS SRV records and called each other"
