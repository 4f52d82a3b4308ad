DROP TABLE calendar_years;
DROP TABLE calendar_days;
DROP TABLE login_failures;
DROP TABLE refresh_tokens;
DROP TABLE auth_sessions;
DROP TABLE users;
DROP TABLE agencies;
