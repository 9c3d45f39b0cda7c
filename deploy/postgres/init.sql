-- COORACE platform: database set-up on an external PostgreSQL (15 or later; 16 advised).
--
-- Run as a superuser (or a role with CREATEROLE and CREATEDB), once or again: every step is
-- idempotent, and a re-run resets the two passwords (that is how to rotate them):
--   psql "postgresql://postgres@DB_HOST:5432/postgres" -f deploy/postgres/init.sql \
--        -v app_password='...' -v reader_password='...' [-v dbname=coorace] [-v app_role=coorace]
-- then start the platform with
--   DATABASE_URL=postgresql://coorace:<app password, percent-encoded>@DB_HOST:5432/coorace?sslmode=verify-full
--   COORACE_READER_PASSWORD=<reader password>
--
-- Two login roles, neither a superuser nor BYPASSRLS:
-- * the application role (`app_role`) owns the database, and so the schemas, event tables and read
--   models the platform's migrations create at start-up (under an advisory lock);
-- * `coorace_reader` is the read pool's login: it owns nothing, is a member of no role (no SET ROLE
--   leads anywhere) and may only SELECT the read models that the migrations grant it, under
--   row-level security. Its name is fixed: the migrations grant to it by name.
-- Do not create schemas or tables by hand.
--
-- With CloudNativePG, do not run this file: deploy/k8s/postgres-cluster.yaml does the same.

\set ON_ERROR_STOP on

\if :{?dbname}
\else
  \set dbname coorace
\endif
\if :{?app_role}
\else
  \set app_role coorace
\endif
\if :{?app_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'init.sql needs the application role''s password: -v app_password=...'; END $$;
\endif
\if :{?reader_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'init.sql needs the reader role''s password: -v reader_password=...'; END $$;
\endif

-- The application role: owner of the database and of everything the platform creates in it.
SELECT format('CREATE ROLE %I', :'app_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role') \gexec
ALTER ROLE :"app_role" WITH LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;

-- The read pool's login.
SELECT 'CREATE ROLE coorace_reader'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'coorace_reader') \gexec
ALTER ROLE coorace_reader WITH LOGIN PASSWORD :'reader_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;
-- Earlier versions of this file made the application role a member of the reader (the read pool
-- then used SET ROLE); nothing needs that any more.
SELECT format('REVOKE coorace_reader FROM %I', :'app_role')
WHERE EXISTS (
    SELECT FROM pg_auth_members m
    WHERE m.roleid = 'coorace_reader'::regrole AND m.member = (:'app_role')::regrole
) \gexec

-- The database, owned by the application role (on PostgreSQL 15+ the `public` schema belongs to
-- the database owner, so the platform can create its few shared objects there).
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'dbname', :'app_role', 'UTF8')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'dbname') \gexec
ALTER DATABASE :"dbname" OWNER TO :"app_role";
REVOKE ALL ON DATABASE :"dbname" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"dbname" TO coorace_reader;

\connect :"dbname"
-- Nobody but the owner creates objects in `public` (the default since PostgreSQL 15; a database
-- made from an older template may still allow it).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
