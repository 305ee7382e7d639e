#!/usr/bin/env bash
# Keeps a repository's GitHub issues in step with `riskfirst export --to github-issues`.
#
#   riskfirst export --to github-issues -o work.json
#   scripts/github-sync.sh OWNER/REPO work.json [--dry-run]
#
# Each exported item carries a stable key in its body (`<!-- riskfirst-key: KEY -->`).
# An item whose key has no issue yet is created; one whose issue exists gets the new
# title and body and any missing labels (labels added by people stay); a closed issue
# whose item is back is reopened; an open issue whose key is no longer exported (the
# control is done, the threat closed or accepted) is closed with a comment. Issues
# without a key, and pull requests, are never touched.
#
# Needs `gh` (logged in: `gh auth login`, or GH_TOKEN) and `jq`. Exits 0 when every
# change went through, 1 on a failed API call, 2 on bad arguments.
set -euo pipefail

usage() {
  echo "usage: github-sync.sh OWNER/REPO EXPORT.json [--dry-run]" >&2
  exit 2
}
[ $# -ge 2 ] && [ $# -le 3 ] || usage
repo=$1
file=$2
dry=0
if [ $# -eq 3 ]; then
  [ "$3" = "--dry-run" ] || usage
  dry=1
fi
[[ $repo =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || { echo "github-sync.sh: '$repo' is not OWNER/REPO" >&2; exit 2; }
[ -r "$file" ] || { echo "github-sync.sh: cannot read $file" >&2; exit 2; }
for tool in gh jq; do
  command -v "$tool" >/dev/null || { echo "github-sync.sh: $tool is not installed" >&2; exit 2; }
done
jq -e 'type == "array"' "$file" >/dev/null 2>&1 ||
  { echo "github-sync.sh: $file is not the JSON array of 'riskfirst export --to github-issues'" >&2; exit 2; }

# A key is a path of ids in riskfirst's id alphabet (threat ids add `@` and rule codes);
# anything else in a body is not ours.
key_pattern='^(control|threat)/[A-Za-z0-9][A-Za-z0-9._:/@-]*$'
marker='<!-- riskfirst-key: (?<k>[^ \t\r\n]+) -->'

run() {
  if [ "$dry" -eq 1 ]; then
    echo "would: gh $*"
  else
    gh "$@" >/dev/null
  fi
}

# The issues riskfirst made before, in any state: "number<TAB>state<TAB>key".
declare -A number=() state=()
while IFS=$'\t' read -r n s k; do
  [[ $k =~ $key_pattern ]] || continue
  number[$k]=$n
  state[$k]=$s
done < <(gh api --paginate "repos/$repo/issues?labels=riskfirst&state=all&per_page=100" \
  --jq ".[] | select(.pull_request == null) | . as \$i
        | ((.body // \"\") | capture(\"$marker\")) | [\$i.number, \$i.state, .k] | @tsv")

created=0 updated=0 reopened=0 closed=0
declare -A seen=()
# One pass over the export: four lines an item (compact JSON has no raw newline): its
# key, the item, its title and body, its labels.
i=0
while read -r key && read -r item && read -r patch && read -r labels; do
  i=$((i + 1))
  if ! [[ $key =~ $key_pattern ]]; then
    echo "github-sync.sh: item $i of $file has no riskfirst key; was it written by riskfirst export?" >&2
    exit 2
  fi
  seen[$key]=1
  if [ -z "${number[$key]:-}" ]; then
    run api -X POST "repos/$repo/issues" --input - <<<"$item"
    created=$((created + 1))
    continue
  fi
  n=${number[$key]}
  if [ "${state[$key]}" = "closed" ]; then
    patch="${patch%\}},\"state\":\"open\"}"
    reopened=$((reopened + 1))
  else
    updated=$((updated + 1))
  fi
  run api -X PATCH "repos/$repo/issues/$n" --input - <<<"$patch"
  run api -X POST "repos/$repo/issues/$n/labels" --input - <<<"$labels"
done < <(jq -r --arg re "$marker" '.[] | ((.body // "") | capture($re).k) // "",
  tojson, ({title, body} | tojson), ({labels} | tojson)' "$file")

for key in $(printf '%s\n' "${!number[@]}" | sort); do
  [ -z "${seen[$key]:-}" ] && [ "${state[$key]}" = "open" ] || continue
  n=${number[$key]}
  run api -X POST "repos/$repo/issues/$n/comments" --input - \
    <<<'{"body":"riskfirst no longer lists this item: its control is in place, or its threat is closed or accepted. Closed by scripts/github-sync.sh; it reopens if the item comes back."}'
  run api -X PATCH "repos/$repo/issues/$n" --input - <<<'{"state":"closed","state_reason":"completed"}'
  closed=$((closed + 1))
done

echo "$repo: $created created, $updated updated, $reopened reopened, $closed closed"
