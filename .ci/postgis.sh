#!/usr/bin/env bash
# Sets up a local PostgreSQL 15 + PostGIS 3 database for plekwijzer's tests
# and prints its DSN as the last line of stdout. Everything else goes to
# stderr. Idempotent; meant to run as root on Debian 12.
#
#   export PLEKWIJZER_TEST_PG=$(bash .ci/postgis.sh)
#   go test ./...
set -euo pipefail

PG_VERSION=15
CLUSTER=main
PORT=5432
DB=plekwijzer
ROLE=plekwijzer
PASSWORD=plekwijzer

log() { echo "postgis.sh: $*" >&2; }

{
	if ! dpkg-query -W -f='${Status}' "postgresql-${PG_VERSION}" 2>/dev/null | grep -q "install ok installed" ||
		! dpkg-query -W -f='${Status}' "postgresql-${PG_VERSION}-postgis-3" 2>/dev/null | grep -q "install ok installed"; then
		log "installing postgresql-${PG_VERSION} and postgresql-${PG_VERSION}-postgis-3"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update
		apt-get install -y --no-install-recommends "postgresql-${PG_VERSION}" "postgresql-${PG_VERSION}-postgis-3"
	fi

	if ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "${PG_VERSION}/${CLUSTER}"; then
		log "creating cluster ${PG_VERSION}/${CLUSTER}"
		pg_createcluster "${PG_VERSION}" "${CLUSTER}" --port "${PORT}"
	fi

	if ! pg_lsclusters -h | awk -v v="${PG_VERSION}" -v c="${CLUSTER}" '$1==v && $2==c {print $4}' | grep -qx online; then
		log "starting cluster ${PG_VERSION}/${CLUSTER}"
		pg_ctlcluster "${PG_VERSION}" "${CLUSTER}" start
	fi

	# Wait until the server accepts connections.
	for i in $(seq 1 60); do
		if pg_isready -q -h 127.0.0.1 -p "${PORT}"; then
			break
		fi
		if [ "$i" -eq 60 ]; then
			log "PostgreSQL did not become ready on port ${PORT}"
			exit 1
		fi
		sleep 1
	done

	psql_admin() { runuser -u postgres -- psql -p "${PORT}" -v ON_ERROR_STOP=1 -qtA "$@"; }

	if [ "$(psql_admin -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname='${ROLE}'")" != "1" ]; then
		log "creating role ${ROLE}"
		psql_admin -d postgres -c "CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'"
	else
		psql_admin -d postgres -c "ALTER ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'"
	fi

	if [ "$(psql_admin -d postgres -c "SELECT 1 FROM pg_database WHERE datname='${DB}'")" != "1" ]; then
		log "creating database ${DB}"
		psql_admin -d postgres -c "CREATE DATABASE ${DB} OWNER ${ROLE}"
	fi

	psql_admin -d "${DB}" -c "CREATE EXTENSION IF NOT EXISTS postgis"
	# Tests create a schema per test, so the role may create schemas.
	psql_admin -d "${DB}" -c "GRANT CREATE ON DATABASE ${DB} TO ${ROLE}"

	# Check the DSN works over TCP with the password.
	for i in $(seq 1 30); do
		if PGPASSWORD="${PASSWORD}" psql -h 127.0.0.1 -p "${PORT}" -U "${ROLE}" -d "${DB}" -qtA -c "SELECT postgis_version()" >/dev/null 2>&1; then
			break
		fi
		if [ "$i" -eq 30 ]; then
			log "cannot connect as ${ROLE} to ${DB} on 127.0.0.1:${PORT}"
			exit 1
		fi
		sleep 1
	done
	log "ready"
} 1>&2

echo "postgres://${ROLE}:${PASSWORD}@127.0.0.1:${PORT}/${DB}?sslmode=disable"
