#!/bin/bash
# The filter check of bench/RESULTS.md "Regular expressions on outside text": the real app in
# tmux, 20,000 characters pasted into the filter; then Esc and `masked thought` (the time from
# Esc to its answer on screen); then a second paste and Ctrl+Q at once (the time until the app
# is gone). The app's data and config go to a scratch XDG directory.
#
#     bench/regex_paste_tmux.sh            # keys, as tmux paste-buffer types them
#     PASTE_FLAGS=-p bench/regex_paste_tmux.sh  # a bracketed paste
set -u
APP=${APP:-$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/papertui}
S=regex-paste-$$
X=$(mktemp -d)
now() { date +%s.%N; }
status() { tmux capture-pane -p -t $S | grep -E "^ [0-9,]+ of [0-9,]+ papers"; }
one() {
    local UNIT=$1 t0 first answer quit
    tmux new -d -s $S -x 120 -y 40 "env XDG_DATA_HOME=$X/data XDG_CONFIG_HOME=$X/config XDG_CACHE_HOME=$X/cache XDG_STATE_HOME=$X/state $APP"
    for i in $(seq 1 100); do sleep 0.1; status | grep -q "321 of 321" && break; done
    sleep 1
    python3 -c "import sys; u=sys.argv[1]; print((u*20000)[:20000], end='')" "$UNIT" > $X/paste.txt
    tmux load-buffer -b $S $X/paste.txt
    t0=$(now); tmux paste-buffer ${PASTE_FLAGS:-} -b $S -t $S
    for i in $(seq 1 1000); do sleep 0.01; status | grep -qvE "321 of 321 papers  ·  sort: corpus order" && break; done
    first=$(echo "$(now) - $t0" | bc)
    sleep 2
    t0=$(now); tmux send-keys -t $S Escape; sleep 0.2; tmux send-keys -t $S -l "masked thought"
    for i in $(seq 1 1000); do sleep 0.01; status | grep -qE "^ 1 of 321 papers.*filter: masked thought" && break; done
    answer=$(echo "$(now) - $t0" | bc)
    tmux paste-buffer ${PASTE_FLAGS:-} -b $S -t $S; sleep 0.05
    t0=$(now); tmux send-keys -t $S C-q
    for i in $(seq 1 1000); do sleep 0.01; tmux has-session -t $S 2>/dev/null || break; done
    if tmux has-session -t $S 2>/dev/null; then quit="STILL RUNNING"; tmux kill-session -t $S; else quit="$(echo "$(now) - $t0" | bc) s"; fi
    printf '| `%s` × 20,000 chars%s | %s s | %s s (0.2 s of it between the two) | %s |\n' "$UNIT" "${PASTE_FLAGS:+, bracketed}" "$first" "$answer" "$quit"
}
echo "| pasted (tmux paste-buffer) | first answer on screen | Esc, then \`masked thought\` answered | second paste, Ctrl+Q at once → gone |"
echo "|---|---|---|---|"
for unit in 'a' 'ab ' '"' 'a-' 'Ab1.' '!a ' 'https://x.org/a)' 'QmFzZTY0+/='; do one "$unit"; done
rm -rf "$X"
