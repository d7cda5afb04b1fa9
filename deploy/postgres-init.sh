#!/bin/sh
# Run once by the postgres image on an empty data directory (/docker-entrypoint-initdb.d).
# One role and one database per service: each service owns its tables, and no service can read
# another's database (docs/architecture.md). The roles' password comes from the environment
# (SERVICE_DB_PASSWORD, from deploy/.env); nothing here has a default.
set -eu
: "${SERVICE_DB_PASSWORD:?set SERVICE_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" -v pw="$SERVICE_DB_PASSWORD" <<'SQL'
CREATE ROLE hotline_knowledge LOGIN PASSWORD :'pw';
CREATE ROLE hotline_tickets   LOGIN PASSWORD :'pw';
CREATE ROLE hotline_notify    LOGIN PASSWORD :'pw';

CREATE DATABASE hotline_knowledge OWNER hotline_knowledge ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE hotline_tickets   OWNER hotline_tickets   ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE hotline_notify    OWNER hotline_notify    ENCODING 'UTF8' TEMPLATE template0;

-- Nobody but the owner connects to a service's database.
REVOKE ALL ON DATABASE hotline_knowledge FROM PUBLIC;
REVOKE ALL ON DATABASE hotline_tickets   FROM PUBLIC;
REVOKE ALL ON DATABASE hotline_notify    FROM PUBLIC;
SQL
