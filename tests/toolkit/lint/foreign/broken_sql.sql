CREATE TABLE half (id int,
-- the file ends mid-statement
