-- One database (`dbay`, the current one) and one schema per service, as docs/CONVENTIONS.md describes.
-- Each service has two roles: `dbay_<service>_owner` owns the schema and every table in it and is used
-- only by the migrations; `dbay_<service>` is what the running service logs in as, and may read and
-- write rows (SELECT, INSERT, UPDATE, DELETE; sequences) but owns nothing. So a service cannot drop
-- the ledger's append-only trigger, alter a table or grant itself privileges a migration took away
-- (issue 16). The reconciler also reads every other schema, read-only. Idempotent, so running it again
-- on an existing database is harmless. Passwords are not set here: the local stack uses trust auth,
-- and docker/postgres-passwords.sh sets them from the environment in the compose stack.

REVOKE ALL ON DATABASE dbay FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

DO $$
DECLARE
  service text;
  role_name text;
  owner_name text;
  schema_name text;
BEGIN
  FOREACH service IN ARRAY ARRAY['wallet', 'order', 'deposit_watcher', 'withdrawal_saga', 'signer', 'reconciler']
  LOOP
    role_name := 'dbay_' || service;
    owner_name := 'dbay_' || service || '_owner';
    schema_name := service;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
      EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT', role_name);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = owner_name) THEN
      EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT', owner_name);
    END IF;
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE dbay TO %I', role_name);
    EXECUTE format('GRANT CONNECT ON DATABASE dbay TO %I', owner_name);
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', schema_name, owner_name);
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', schema_name);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', schema_name, role_name);
    EXECUTE format(
      'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
      owner_name, schema_name, role_name);
    EXECUTE format(
      'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I',
      owner_name, schema_name, role_name);
    EXECUTE format('ALTER ROLE %I SET search_path = %I', role_name, schema_name);
    EXECUTE format('ALTER ROLE %I SET search_path = %I', owner_name, schema_name);
  END LOOP;

  -- The reconciler reads the other services' schemas and writes none of them. Default privileges
  -- cover the tables each service's migrations create later (they run as the owner role).
  FOREACH service IN ARRAY ARRAY['wallet', 'order', 'deposit_watcher', 'withdrawal_saga', 'signer']
  LOOP
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO dbay_reconciler', service);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO dbay_reconciler', service);
    EXECUTE format(
      'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT ON TABLES TO dbay_reconciler',
      'dbay_' || service || '_owner', service);
  END LOOP;
END
$$;
