CREATE TABLE seeds (id int, name text);
COPY seeds (id, name) FROM stdin;
1	alpha
2	beta
\.
SELECT setval('seeds_id_seq', 2);
