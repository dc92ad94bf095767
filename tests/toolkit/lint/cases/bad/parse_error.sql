-- Not SQL at all.

CREATE TABEL xferity.oops (id bigint);
