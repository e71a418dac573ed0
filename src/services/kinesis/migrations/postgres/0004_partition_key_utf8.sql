-- Partition keys as their UTF-8 bytes (ADR 0038). A partition key is any Unicode string of 1 to 256 characters, U+0000
-- included, and PostgreSQL's text cannot hold U+0000: PutRecord of such a key failed (InternalFailure). The column
-- becomes BYTEA holding the key's UTF-8, existing keys converted exactly (convert_to gives the UTF-8 the client sent,
-- whatever the database encoding), and is renamed, so that a node still running the previous version fails its Kinesis
-- statements loudly instead of reading the bytes as keys. The type change rewrites the table once, holding its lock.
ALTER TABLE kinesis_records ALTER COLUMN partition_key TYPE BYTEA USING convert_to(partition_key, 'UTF8');
ALTER TABLE kinesis_records RENAME COLUMN partition_key TO partition_key_utf8;
