# SsmTroubleshoot: READ-ONLY collection of the SSM Agent log window. Reads the agent's own log files, writes nothing,
# changes nothing. Placeholders are replaced by integers only (epoch seconds, byte cap) before sending.
since_epoch={{SINCE_EPOCH}}
until_epoch={{UNTIL_EPOCH}}
cap={{CAP_BYTES}}
dir=/var/log/amazon/ssm
[ -d "$dir" ] || dir=/opt/aws/ssm/logs
# The agent stamps entries in the instance's local time: convert the window the same way (GNU date, then BSD date).
to_local() { date -d "@$1" '+%Y-%m-%d %H:%M:%S' 2>/dev/null || date -r "$1" '+%Y-%m-%d %H:%M:%S'; }
since=$(to_local "$since_epoch")
until=""
[ "$until_epoch" -gt 0 ] && until=$(to_local "$until_epoch")
tmp=$(mktemp) || exit 3
trap 'rm -f "$tmp"' EXIT
files=0
# Oldest rotation first so the window reads in time order; only files written to since the window opened.
for f in $(ls -1tr "$dir"/amazon-ssm-agent.log* 2>/dev/null); do
  case "$f" in *.gz) continue ;; esac
  [ "$(stat -c %Y "$f" 2>/dev/null || stat -f %m "$f")" -ge "$since_epoch" ] || continue
  files=$((files + 1))
  awk -v s="$since" -v u="$until" '
    /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]/ {
      t = substr($0, 1, 19); keep = (t >= s) && (u == "" || t <= u)
    }
    keep' "$f" >> "$tmp"
done
total=$(wc -c < "$tmp" | tr -d ' ')
sent=$total
[ "$sent" -gt "$cap" ] && sent=$cap
echo "#SsmTroubleshoot-collect v1 total=$total sent=$sent files=$files dir=$dir"
# Over the cap the newest entries are kept: they say what the agent is doing now.
tail -c "$sent" "$tmp"
