#!/usr/bin/env bash
# Refresh the vendored front-end libraries from the npm registry at pinned versions.
# The files are committed: nothing is downloaded when OpenPRM installs or runs.
set -euo pipefail
HTMX_VERSION=2.0.11
BOOTSTRAP_VERSION=5.3.9
CHARTJS_VERSION=4.6.1
# Used only by the browser tests (tests/e2e/conftest.py), never served by the app.
AXE_VERSION=4.14.1

here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/src/openprm/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "htmx.org@$HTMX_VERSION" "bootstrap@$BOOTSTRAP_VERSION" "chart.js@$CHARTJS_VERSION" "axe-core@$AXE_VERSION" >/dev/null
mkdir -p htmx bootstrap chartjs
tar -xzf "htmx.org-$HTMX_VERSION.tgz" -C htmx
tar -xzf "bootstrap-$BOOTSTRAP_VERSION.tgz" -C bootstrap
tar -xzf "chart.js-$CHARTJS_VERSION.tgz" -C chartjs

rm -rf "$dest"
mkdir -p "$dest/htmx" "$dest/bootstrap" "$dest/chartjs"
cp htmx/package/dist/htmx.min.js htmx/package/LICENSE "$dest/htmx/"
cp bootstrap/package/dist/css/bootstrap.min.css bootstrap/package/dist/css/bootstrap.min.css.map \
   bootstrap/package/dist/js/bootstrap.bundle.min.js bootstrap/package/dist/js/bootstrap.bundle.min.js.map \
   bootstrap/package/LICENSE "$dest/bootstrap/"
cp chartjs/package/dist/chart.umd.min.js chartjs/package/LICENSE.md "$dest/chartjs/"
# The source map is not vendored: drop the reference to it, or
# collectstatic (the manifest storage) fails on the missing file.
sed -i '/^\/\/# sourceMappingURL=/d' "$dest/chartjs/chart.umd.min.js"
printf 'htmx.org %s\nbootstrap %s\nchart.js %s\n' "$HTMX_VERSION" "$BOOTSTRAP_VERSION" "$CHARTJS_VERSION" > "$dest/VERSIONS"
echo "Vendored into $dest:"
cat "$dest/VERSIONS"

tests_dest="$here/tests/e2e/vendor"
mkdir -p axe && tar -xzf "axe-core-$AXE_VERSION.tgz" -C axe
rm -rf "$tests_dest/axe-core" && mkdir -p "$tests_dest/axe-core"
cp axe/package/axe.min.js axe/package/LICENSE "$tests_dest/axe-core/"
printf 'axe-core %s\n' "$AXE_VERSION" > "$tests_dest/VERSIONS"
echo "Vendored into $tests_dest (browser tests only):"
cat "$tests_dest/VERSIONS"
