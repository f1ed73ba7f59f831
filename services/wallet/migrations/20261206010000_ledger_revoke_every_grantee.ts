// ledger_entries stays append-only for whoever the service role is. The first ledger migration revoked
// UPDATE, DELETE and TRUNCATE from the migrating role and from a role named dbay_wallet; since the
// schema's owner role runs the migrations and default privileges give the service role those rights on
// every new table, a service role of any other name would have kept them (the trigger still refused).
// This revokes them from every role that holds them, by name, whatever it is called.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    DO $$
    DECLARE
      grantee_name text;
    BEGIN
      FOR grantee_name IN
        SELECT DISTINCT r.rolname
          FROM pg_class c
          CROSS JOIN LATERAL aclexplode(c.relacl) AS acl
          JOIN pg_roles r ON r.oid = acl.grantee
         WHERE c.oid = 'ledger_entries'::regclass
           AND acl.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
      LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON ledger_entries FROM %I', grantee_name);
      END LOOP;
    END $$`);
}

export async function down(): Promise<void> {
  // Nothing to give back: no role should hold these privileges.
}
