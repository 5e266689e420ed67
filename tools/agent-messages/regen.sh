#!/usr/bin/env bash
# Regenerates templates/<version>.tsv for the agent versions below and prints the scope summary.
#   tools/agent-messages/regen.sh <amazon-ssm-agent git dir (a clone or a bare mirror)> [version...]
# Needs git, tar and the .NET SDK. Each version's tree is taken with `git archive`, without vendor/ and extra/
# (third-party code the extractor skips anyway), into a temporary directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="${1:?usage: regen.sh <amazon-ssm-agent git dir> [version...]}"
shift
versions=("$@")
if [ ${#versions[@]} -eq 0 ]; then
  versions=(3.3.1142.0 3.0.161.0 2.3.1644.0 2.2.619.0 2.0.922.0)
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for v in "${versions[@]}"; do
  commit="$(git -C "$repo" rev-parse "$v^{commit}")"
  mkdir -p "$work/$v"
  git -C "$repo" archive "$commit" -- . ':(exclude)vendor' ':(exclude)extra' | tar -x -C "$work/$v"
  dotnet run "$here/extract.cs" -- "$work/$v" "$v" "$here/templates/$v.tsv" --commit "$commit"
done
dotnet run "$here/extract.cs" -- summary "$here/scope.tsv" "$here/templates" "${versions[@]}"
