#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database and media folder.
#   deploy/restore.sh DB_DUMP MEDIA_TAR TARGET_DATABASE_URL TARGET_MEDIA_DIR
set -euo pipefail
dump="$1"; media_tar="$2"; target_db="$3"; target_media="$4"
pg_restore --no-owner --exit-on-error --dbname="$target_db" "$dump"
mkdir -p "$target_media"
tar -C "$target_media" -xzf "$media_tar"
echo "restored into $target_db and $target_media"
