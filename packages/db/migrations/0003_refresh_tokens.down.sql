-- 0003_refresh_tokens down.
DROP TABLE IF EXISTS refresh_tokens;
