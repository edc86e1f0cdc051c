#!/usr/bin/env bash
# The packaging test (.ci/run runs it after the build): pack every package into a local folder feed, create a fresh
# console project outside the repository, add the one package Partisan from that feed, compile a [PartisanServer] and
# call it across two nodes. The steps are README's "Use it in your project". Exits 0 only if the call answered.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/partisan-package-test.XXXXXX)"
trap 'rm -rf "$work"' EXIT

feed="$work/feed"
version="$(cd "$repo" && dotnet msbuild Partisan/Partisan.csproj -getProperty:PackageVersion -p:Configuration=Release)"

echo "-- pack into $feed (version $version)"
dotnet pack "$repo/Partisan.sln" -c Release --no-build -o "$feed"

# The feed first, then whatever feeds this machine's NuGet restore already uses (its user NuGet.Config), so the
# test runs wherever restore works; packages already in the machine's cache are taken from it (a fallback folder),
# and the Partisan packages come from the feed into a cache of the test's own, never a stale one.
sources=""
n=0
while read -r state url; do
    if [ "$state" = "E" ]; then
        n=$((n + 1))
        sources+="    <add key=\"machine-$n\" value=\"$url\" />"$'\n'
    fi
done < <(dotnet nuget list source --format short)
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="partisan-local" value="$feed" />
$sources  </packageSources>
  <fallbackPackageFolders>
    <add key="machine-cache" value="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')" />
  </fallbackPackageFolders>
</configuration>
XML
export NUGET_PACKAGES="$work/packages"

echo "-- dotnet new console, dotnet add package Partisan"
cd "$work"
dotnet new console -o app --framework net10.0
cd app
dotnet add package Partisan --version "$version"
rm -f Program.cs
cp "$repo/.ci/package-test/Program.cs" "$repo/.ci/package-test/Counter.cs" .

echo "-- build (warnings are errors: the generated code must compile clean in a stranger's project) and run"
dotnet build -c Release -warnaserror
dotnet run -c Release --no-build
