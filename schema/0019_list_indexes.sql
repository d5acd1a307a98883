-- Paged lists (issue 24): a customer's page of databases, FTP accounts or
-- domains is read in its list order straight from an index, without
-- sorting its rows (cron_jobs_by_owner already ends in the rowid, the id).
-- The one-column owner indexes these replace are dropped: a composite
-- index serves every lookup by owner as well.
CREATE INDEX databases_owner_name ON databases (owner, name);
DROP INDEX databases_owner;
CREATE INDEX ftp_accounts_owner_username ON ftp_accounts (owner, username);
DROP INDEX ftp_accounts_by_owner;
CREATE INDEX domains_owner_domain ON domains (owner, domain);
DROP INDEX domains_by_owner;
