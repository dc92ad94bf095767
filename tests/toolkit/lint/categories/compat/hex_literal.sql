-- Case: a hexadecimal integer literal (16)
-- expect: pg13-compat
CREATE VIEW xferity.masks AS SELECT 0x1F AS low_bits;
