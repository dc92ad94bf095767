-- Case: an enum type created and used in the same migration
-- expect: none
CREATE TYPE xferity.priority AS ENUM ('low', 'high');
ALTER TYPE xferity.priority ADD VALUE 'urgent';
CREATE TABLE xferity.tasks (id bigint PRIMARY KEY, priority xferity.priority NOT NULL DEFAULT 'low');
