-- Case: jsonb operators and jsonb_set instead of subscripts
-- expect: none
UPDATE xferity.jobs SET payload = jsonb_set(payload, '{attempts}', to_jsonb((payload ->> 'attempts')::int + 1)) WHERE payload ? 'attempts';
