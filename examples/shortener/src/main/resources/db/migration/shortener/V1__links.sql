-- One table per shard; rows are routed by code (jump hash over 1024 buckets).
CREATE TABLE links (
  code         VARCHAR(11)              NOT NULL PRIMARY KEY,
  id           BIGINT                   NOT NULL,
  url          VARCHAR(2048)            NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at   TIMESTAMP WITH TIME ZONE,
  access_count BIGINT                   NOT NULL DEFAULT 0
);
