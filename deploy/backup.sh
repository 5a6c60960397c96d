#!/usr/bin/env bash
# Back up the database (pg_dump custom format) and the private media (photos, evidence).
#   DATABASE_URL=postgres://... XUEXIN_PRIVATE_MEDIA_ROOT=/srv/xuexin/var/private deploy/backup.sh [DIR]
# Writes DIR/db-<stamp>.dump and DIR/media-<stamp>.tar.gz (DIR defaults to var/backups).
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must point to the PostgreSQL database}"
media="${XUEXIN_PRIVATE_MEDIA_ROOT:-var/private}"
out="${1:-var/backups}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
umask 077   # backups hold personal data
pg_dump --format=custom --no-owner --dbname="$DATABASE_URL" --file="$out/db-$stamp.dump"
tar -C "$media" -czf "$out/media-$stamp.tar.gz" .
echo "$out/db-$stamp.dump"
echo "$out/media-$stamp.tar.gz"
