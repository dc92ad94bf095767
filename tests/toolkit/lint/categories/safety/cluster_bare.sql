-- Case: a bare CLUSTER reclusters every clustered table
-- expect: table-rewrite
-- transactional: false
CLUSTER;
