-- COORACE platform: one-time database set-up on an external PostgreSQL (15 or later; 16 advised).
--
-- Run once, as a superuser:
--   psql "postgresql://postgres@DB_HOST:5432/postgres" -v app_password='CHANGE-ME' -f deploy/postgres/init.sql
-- then start the platform with
--   DATABASE_URL=postgresql://coorace:CHANGE-ME@DB_HOST:5432/coorace
-- (percent-encode special characters of the password in the URL).
--
-- Everything else is created by the platform's own migrations, which every process applies at
-- start-up under an advisory lock: the `coorace_reader` role (when missing), the row-visibility
-- function, one schema per service with its event and idempotency tables, and the read models
-- with their row-level security policies. Do not create schemas or tables by hand.
--
-- With CloudNativePG, do not run this file: deploy/k8s/postgres-cluster.yaml does the same in
-- `bootstrap.initdb`.

\set ON_ERROR_STOP on

-- The application role: it owns the database, the schemas and the tables. Not a superuser and
-- not BYPASSRLS. It needs CREATEROLE only because the first platform migration runs
-- `CREATE ROLE coorace_reader ...`, and PostgreSQL checks that privilege even when the role
-- already exists.
CREATE ROLE coorace LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB CREATEROLE NOBYPASSRLS;

-- The role the read pool switches to (`SET ROLE coorace_reader` on each connection), so that
-- row-level security applies to every query. Created here rather than by the migration so that
-- the application role can be a member of it: on PostgreSQL 16, a role created by a
-- non-superuser with CREATEROLE is not one its creator may SET ROLE to, and the read pool would
-- fail with "permission denied to set role".
CREATE ROLE coorace_reader NOLOGIN NOSUPERUSER NOBYPASSRLS;
GRANT coorace_reader TO coorace;

-- The database, owned by the application role (on PostgreSQL 15+ that also lets it create the
-- platform's objects in the `public` schema).
CREATE DATABASE coorace OWNER coorace ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE coorace FROM PUBLIC;
