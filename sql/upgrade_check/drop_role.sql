-- Drop one of the upgrade check's own uniquely named roles once its scratch databases are gone.
DROP ROLE IF EXISTS {role}
