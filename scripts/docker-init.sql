-- Development-only login and database for docker-compose; never reuse these credentials.
CREATE ROLE xferity LOGIN PASSWORD 'xferity';
CREATE DATABASE xferity OWNER xferity;
