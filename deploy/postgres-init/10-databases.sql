-- One database and one owner per service (each service owns its tables and its Alembic
-- version table). Runs once, when the compose PostgreSQL volume is first created.
CREATE ROLE callops_customer LOGIN PASSWORD 'callops-dev';
CREATE DATABASE callops_customer OWNER callops_customer ENCODING 'UTF8' TEMPLATE template0;
CREATE ROLE callops_contract LOGIN PASSWORD 'callops-dev';
CREATE DATABASE callops_contract OWNER callops_contract ENCODING 'UTF8' TEMPLATE template0;
CREATE ROLE callops_callcenter LOGIN PASSWORD 'callops-dev';
CREATE DATABASE callops_callcenter OWNER callops_callcenter ENCODING 'UTF8' TEMPLATE template0;
CREATE ROLE callops_search LOGIN PASSWORD 'callops-dev';
CREATE DATABASE callops_search OWNER callops_search ENCODING 'UTF8' TEMPLATE template0;
CREATE ROLE callops_alerts LOGIN PASSWORD 'callops-dev';
CREATE DATABASE callops_alerts OWNER callops_alerts ENCODING 'UTF8' TEMPLATE template0;
