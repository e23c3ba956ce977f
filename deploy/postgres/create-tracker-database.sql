-- Run once by the PostgreSQL image when its data directory is new (/docker-entrypoint-initdb.d):
-- the engine's tracker store gets a database of its own beside the order database (POSTGRES_DB).
CREATE DATABASE tracker;
