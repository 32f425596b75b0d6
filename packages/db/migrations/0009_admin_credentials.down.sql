-- 0009_admin_credentials down: drops exactly the table its up file created.
DROP TABLE admin_credentials;
