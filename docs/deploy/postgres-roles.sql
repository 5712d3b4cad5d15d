-- The two roles of a least-privilege Lifeline, and its database (see docs/deploy.md).
-- Run once as a superuser:  sudo -u postgres psql -v ON_ERROR_STOP=1 -f postgres-roles.sql
-- then give each role its password:  sudo -u postgres psql -c '\password lifeline_owner'  (and lifeline_app)

-- Owns every table and applies the migrations (LIFELINE_MIGRATION_DATABASE_URL).
CREATE ROLE lifeline_owner LOGIN;
-- The server's role (DATABASE_URL): Lifeline grants it what it needs at each migration, nothing more.
CREATE ROLE lifeline_app LOGIN;

CREATE DATABASE lifeline OWNER lifeline_owner ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE lifeline FROM PUBLIC;
GRANT CONNECT ON DATABASE lifeline TO lifeline_app;

\connect lifeline
-- A cluster upgraded from PostgreSQL 14 or older still lets every role create tables in public.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
