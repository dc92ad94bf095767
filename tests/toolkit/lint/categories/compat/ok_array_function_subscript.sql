-- Case: an integer subscript on an array a function returns
-- expect: none
CREATE VIEW xferity.first_words AS SELECT id, (string_to_array(name, ' '))[1] AS first_word FROM xferity.jobs;
