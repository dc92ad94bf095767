-- Case: jsonb subscript assignment in UPDATE (14)
-- expect: pg13-compat
UPDATE xferity.jobs SET payload['attempts'] = '0';
