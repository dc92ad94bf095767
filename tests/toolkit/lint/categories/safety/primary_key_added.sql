-- Case: a PRIMARY KEY added to a live table builds its index under the lock
-- expect: adding-serial-primary-key-field
ALTER TABLE xferity.notes ADD PRIMARY KEY (id);
