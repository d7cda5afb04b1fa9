-- Run once by the postgres image on an empty data directory (/docker-entrypoint-initdb.d).
-- One role and one database per service: each service owns its tables, and no service can
-- read another's database (DESIGN §8). Demo passwords; change them (and compose.yaml's URLs)
-- for anything but a local run.
CREATE ROLE hotline_knowledge LOGIN PASSWORD 'hotline_knowledge';
CREATE ROLE hotline_tickets   LOGIN PASSWORD 'hotline_tickets';
CREATE ROLE hotline_notify    LOGIN PASSWORD 'hotline_notify';

CREATE DATABASE hotline_knowledge OWNER hotline_knowledge ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE hotline_tickets   OWNER hotline_tickets   ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE hotline_notify    OWNER hotline_notify    ENCODING 'UTF8' TEMPLATE template0;

-- Nobody but the owner connects to a service's database.
REVOKE ALL ON DATABASE hotline_knowledge FROM PUBLIC;
REVOKE ALL ON DATABASE hotline_tickets   FROM PUBLIC;
REVOKE ALL ON DATABASE hotline_notify    FROM PUBLIC;
