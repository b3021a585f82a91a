/**
 * The schema, as numbered migrations (crusades.md §J.1 [PROJECT]). `PRAGMA user_version` holds the
 * last applied number; each migration runs in its own transaction, so a crash leaves the store at
 * a whole version. Append new migrations; never edit an applied one.
 * @module
 */

/** One schema step. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial",
    sql: `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- One row per commitment source ('revealed', 'plain'); moved only with the batch it covers (§C.1).
CREATE TABLE ingestion_cursor (
  source TEXT PRIMARY KEY,
  block INTEGER NOT NULL,
  block_hash TEXT,
  updated_at TEXT NOT NULL
);

-- Every chain entry seen, with its outcome (§C.1 identity: hotkey, reveal block, payload hash).
CREATE TABLE commitments_ingested (
  id INTEGER PRIMARY KEY,
  hotkey TEXT NOT NULL,
  reveal_block INTEGER NOT NULL,
  payload_sha256 TEXT NOT NULL,
  source TEXT NOT NULL,
  list_index INTEGER NOT NULL,
  uid INTEGER,
  raw_text TEXT,
  outcome TEXT NOT NULL,
  reason TEXT,
  submission_id TEXT,
  spec_version INTEGER NOT NULL,
  ingested_block INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (hotkey, reveal_block, payload_sha256)
);
CREATE INDEX commitments_ingested_hotkey ON commitments_ingested (hotkey, reveal_block);
CREATE INDEX commitments_ingested_outcome ON commitments_ingested (outcome);

-- First committer wins, by exact URL, per competition version (§C.4).
CREATE TABLE url_claims (
  spec_version INTEGER NOT NULL,
  url TEXT NOT NULL,
  reveal_block INTEGER NOT NULL,
  hotkey TEXT NOT NULL,
  PRIMARY KEY (spec_version, url)
);

-- Downloaded code, content-addressed by its full SHA-256 (§C.6 step 9).
CREATE TABLE code_blobs (
  sha256 TEXT PRIMARY KEY,
  bytes BLOB NOT NULL,
  size_bytes INTEGER NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE submissions (
  submission_id TEXT PRIMARY KEY,
  miner_hotkey TEXT NOT NULL,
  miner_uid INTEGER NOT NULL,
  code_hash TEXT NOT NULL,
  bucket_path TEXT NOT NULL,
  spec_version INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'downloading', 'scanning', 'evaluating', 'finished', 'failed', 'duplicate')),
  error_code TEXT,
  error_message TEXT,
  final_score REAL,
  reveal_block INTEGER NOT NULL,
  code_sha256 TEXT REFERENCES code_blobs (sha256),
  scan_violations TEXT,
  scanner_rules_hash TEXT,
  strategy TEXT,
  payment_verified INTEGER NOT NULL DEFAULT 0,
  download_attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  first_attempt_block INTEGER,
  finished_block INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX submissions_status ON submissions (spec_version, status);
CREATE INDEX submissions_score ON submissions (final_score);
CREATE INDEX submissions_created ON submissions (created_at);
CREATE INDEX submissions_hotkey ON submissions (miner_hotkey, reveal_block);
CREATE INDEX submissions_code_hash ON submissions (spec_version, code_hash);

-- Every run attempt, void ones included (§E.10); 'result' is the whole RunResult as JSON.
CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
  submission_id TEXT NOT NULL REFERENCES submissions (submission_id),
  run_no INTEGER NOT NULL,
  evaluator_hotkey TEXT,
  status TEXT NOT NULL CHECK (status IN ('success', 'failed', 'void')),
  error_code TEXT,
  error TEXT,
  mfu REAL NOT NULL,
  tokens_per_second REAL NOT NULL,
  total_tokens INTEGER NOT NULL,
  wall_time_seconds REAL,
  result TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX runs_submission ON runs (submission_id);

-- The single leader record per competition version (§H.4) and its audit trail.
CREATE TABLE leader_state (
  spec_version INTEGER PRIMARY KEY,
  leader_id TEXT,
  leader_score REAL,
  threshold REAL,
  threshold_block INTEGER,
  updated_at TEXT NOT NULL
);
CREATE TABLE leader_history (
  id INTEGER PRIMARY KEY,
  spec_version INTEGER NOT NULL,
  submission_id TEXT NOT NULL,
  block INTEGER NOT NULL,
  reason TEXT NOT NULL,
  changed INTEGER NOT NULL,
  old_leader_id TEXT,
  old_leader_score REAL,
  old_threshold REAL,
  old_threshold_block INTEGER,
  new_leader_id TEXT,
  new_leader_score REAL,
  new_threshold REAL,
  new_threshold_block INTEGER,
  threshold_applied REAL,
  score_to_beat REAL,
  created_at TEXT NOT NULL
);

-- A payment (block hash, extrinsic index) pays for one submission only (§C.8 step 6).
CREATE TABLE verified_payments (
  id INTEGER PRIMARY KEY,
  submission_id TEXT NOT NULL UNIQUE,
  miner_hotkey TEXT NOT NULL,
  miner_coldkey TEXT NOT NULL,
  block_hash TEXT NOT NULL,
  extrinsic_index INTEGER NOT NULL,
  amount_rao TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (block_hash, extrinsic_index)
);
CREATE INDEX verified_payments_hotkey ON verified_payments (miner_hotkey);

CREATE TABLE gaps (
  id INTEGER PRIMARY KEY,
  hotkey TEXT NOT NULL,
  oldest_kept_block INTEGER NOT NULL,
  cursor_block INTEGER NOT NULL,
  detected_block INTEGER NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE weight_sets (
  id INTEGER PRIMARY KEY,
  block INTEGER NOT NULL,
  uids TEXT NOT NULL,
  weights TEXT NOT NULL,
  leader TEXT NOT NULL,
  mode TEXT NOT NULL,
  tx_hash TEXT,
  outcome TEXT NOT NULL,
  error TEXT,
  created_at TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: "gaps stay open until recovered",
    // A gap is retried every cycle until the history reaches its cursor (§C.1 step 5): the frontier
    // (oldest_kept_block) moves down as older states are read; resolved_block marks it closed.
    sql: `
ALTER TABLE gaps ADD COLUMN resolved_block INTEGER;
CREATE INDEX gaps_open ON gaps (hotkey) WHERE resolved_block IS NULL;
`,
  },
  {
    version: 3,
    name: "machinery failures per submission, superseded runs",
    // Failures of the validator's own machinery (engine, files) while evaluating a submission: each
    // one defers it with backoff; after a few it fails for an operator to look at.
    sql: `
ALTER TABLE submissions ADD COLUMN machinery_failures INTEGER NOT NULL DEFAULT 0;
-- Runs made under another setup (image, harness, rules, hparams) than the submission's later runs:
-- kept for the record, never counted (§H.1).
ALTER TABLE runs ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;
`,
  },
];
