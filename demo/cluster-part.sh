#!/bin/bash
# The cluster-mode part of demo/run.sh (sourced by `demo/run.sh cluster` once its six redis-server
# nodes run in cluster mode and the agent answers): forms the cluster, lets the agent discover it,
# and shows a stock redis-cli outside following the cluster's MOVED redirects through the map.
# Uses run.sh's helpers (say, pass, fail, ask, natctl, in_ns) and variables; not run on its own.

say "Forming the cluster: three primaries, three replicas (redis-cli --cluster create)"
create=()
for node in "${nodes[@]}"; do create+=("$node:6379"); done
in_ns "$prefix-node0" timeout 60 redis-cli --cluster create "${create[@]}" --cluster-replicas 1 --cluster-yes \
    >"$tmp/create.log" 2>&1 || die "redis-cli --cluster create failed: $(tail -n 5 "$tmp/create.log")"
deadline=$((SECONDS + 60))
formed() {
    local node
    for node in "${nodes[@]}"; do
        ask "$ns_nat" "$node" 6379 CLUSTER INFO 2>/dev/null | grep -q 'cluster_state:ok' || return 1
        nodes_seen=$(ask "$ns_nat" "$node" 6379 CLUSTER NODES 2>/dev/null || true)
        [ "$(grep -c master <<<"$nodes_seen")" = 3 ] && [ "$(grep -c slave <<<"$nodes_seen")" = 3 ] || return 1
    done
}
until formed; do
    [ $SECONDS -lt $deadline ] || die "the cluster did not settle within 60 s"
    sleep 0.2
done
pass "cluster_state:ok on all six nodes"

say "Adding the cluster to the agent: one configuration endpoint, a listen range, the public address"
printf '    $ natctl cluster add orders --engine redis --endpoint %s:6379 --listen 7000-7099 \\\n' "${nodes[0]}"
printf '        --allow 198.51.100.27/32 --public-address %s --poll-interval 2\n' "$public"
natctl cluster add orders --engine redis --endpoint "${nodes[0]}:6379" --listen 7000-7099 \
    --allow 198.51.100.27/32 --public-address "$public" --poll-interval 2 | sed 's/^/    /'
deadline=$((SECONDS + 30))
until [ "$(natctl cluster get orders 2>/dev/null | grep -c ' replica ')" = 3 ]; do
    [ $SECONDS -lt $deadline ] || die "the agent did not discover six nodes, three of them replicas, within 30 s"
    sleep 0.2
done
printf '\n    $ natctl cluster get orders\n'
natctl cluster get orders | sed 's/^/    /'
printf '\n    $ natctl cluster map orders --format list\n'
natctl cluster map orders --format list | tee "$tmp/map.txt" | sed 's/^/    /'

# dial ADVERTISED: where the map says a client must connect for the advertised ip:port.
dial() {
    awk -v node="$1" '$1 == node { print $3 }' "$tmp/map.txt"
}
seed=$(dial "${nodes[0]}:6379")

say "A stock client outside, without the map: the cluster redirects it to private addresses"
key=user:42
reply=$(ask "$ns_trusted" "${seed%:*}" "${seed#*:}" GET "$key" 2>&1 | tr -d '\r' || true)
printf '    $ redis-cli -h %s -p %s GET %s\n    %s\n' "${seed%:*}" "${seed#*:}" "$key" "$reply"
if [[ $reply == MOVED* ]]; then
    moved_to=${reply##* }
    follow=$(ask "$ns_trusted" "${moved_to%:*}" "${moved_to#*:}" GET "$key" 2>&1 | tr -d '\r' || true)
    printf '    $ redis-cli -h %s -p %s GET %s      (what redis-cli -c does next)\n    %s\n' \
        "${moved_to%:*}" "${moved_to#*:}" "$key" "${follow:-no answer}"
    if [ -z "$follow" ] || [[ $follow == *"Could not connect"* ]]; then
        pass "the private address $moved_to is unreachable from outside"
    else
        fail "the client reached $moved_to directly: $follow"
    fi
else
    fail "expected a MOVED redirect for $key from the seed node, got: $reply"
fi

# A cluster client with the map: send to the seed; on MOVED slot ip:port, dial what the map says
# (each redirect is noted in $tmp/redirects).
mapped() {
    local reply target
    reply=$(ask "$ns_trusted" "${seed%:*}" "${seed#*:}" "$@" | tr -d '\r' || true)
    if [[ $reply == MOVED* ]]; then
        target=$(dial "${reply##* }")
        printf '      %-28s MOVED to %s -> map -> %s\n' "$*" "${reply##* }" "$target" >>"$tmp/redirects"
        reply=$(ask "$ns_trusted" "${target%:*}" "${target#*:}" "$@" | tr -d '\r' || true)
    fi
    printf '%s\n' "$reply"
}

say "The same client with the map: each redirect goes to the node's listen port on the NAT"
keys=(user:42 user:43 user:44 user:45 user:46 user:47)
for k in "${keys[@]}"; do
    [ "$(mapped SET "$k" "value-of-$k")" = OK ] || fail "SET $k through the map"
done
cat "$tmp/redirects"
check_keys() {
    local k ok=0
    for k in "${keys[@]}"; do
        [ "$(mapped GET "$k")" = "value-of-$k" ] && ok=$((ok + 1))
    done
    if [ $ok = ${#keys[@]} ]; then
        pass "all ${#keys[@]} keys read back through the NAT $1"
    else
        fail "$ok of ${#keys[@]} keys read back $1"
    fi
}
check_keys "on the nodes that own their slots"

say "A replica takes over (CLUSTER FAILOVER); the agent follows at its next poll"
replica=$(ask "$ns_nat" "${nodes[0]}" 6379 CLUSTER NODES | awk '$3 ~ /slave/ { split($2, a, "[:@]"); print a[1]; exit }')
printf '    $ redis-cli -h %s CLUSTER FAILOVER\n    %s\n' "$replica" "$(ask "$ns_nat" "$replica" 6379 CLUSTER FAILOVER | tr -d '\r')"
deadline=$((SECONDS + 30))
until natctl --json cluster get orders 2>/dev/null | tr -d ' \n' | grep -q "\"address\":\"$replica\",\"port\":6379,\"role\":\"primary\""; do
    [ $SECONDS -lt $deadline ] || { fail "the agent did not list $replica as a primary within 30 s"; break; }
    sleep 0.2
done
printf '\n    $ natctl cluster get orders\n'
natctl cluster get orders | sed 's/^/    /'
if natctl cluster map orders --format list | cmp -s - "$tmp/map.txt"; then
    pass "the map is unchanged: every node kept its listen port"
else
    fail "the map changed across the failover"
fi
check_keys "after the failover"

if [ $failures -ne 0 ]; then
    say "$failures check(s) failed"
    exit 1
fi
say "All checks passed: redis-cli outside reached every key through the map, before and after a failover"
