-- Lower-case keywords, upper-case types, leading commas, two-space indent.

create table xferity.styled (
  styled_id BIGINT generated always as identity primary key
  , note TEXT
);
