-- Onramp on PostgreSQL: one table per collection of src/lib/db.ts (see pg-schema.ts for the layout).
-- `doc` is the record's JSON text, `version` the number of the batch that last wrote it.

-- The batch counter: every writing transaction takes the next number first, so numbers follow
-- commit order on every instance, with no gaps.
CREATE TABLE onramp_seq (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL
);
INSERT INTO onramp_seq (seq) VALUES (0);

-- What each batch wrote (the final state of each key), for the other instances to apply in order.
-- Pruned: an instance that falls further behind than what is kept loads everything again.
CREATE TABLE onramp_changes (
  seq bigint NOT NULL,
  ord int NOT NULL,
  c text NOT NULL,
  k text NOT NULL,
  doc text,
  PRIMARY KEY (seq, ord)
);

-- Rate-limit counters shared by every instance; losing them in a crash only resets the windows.
CREATE UNLOGGED TABLE onramp_rate_limits (
  key text PRIMARY KEY,
  hits integer NOT NULL,
  reset_at timestamptz NOT NULL
);

CREATE TABLE users (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL, ix_username text UNIQUE);
CREATE TABLE sessions (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL, gr_user text);
CREATE INDEX sessions_gr_user ON sessions (gr_user);
CREATE TABLE tokens (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL, gr_owner text);
CREATE INDEX tokens_gr_owner ON tokens (gr_owner);
CREATE TABLE identities (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL, gr_user text);
CREATE INDEX identities_gr_user ON identities (gr_user);
CREATE TABLE progress (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL);
CREATE TABLE checkpoint_attempts (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL);
CREATE TABLE guide_reads (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL);
CREATE TABLE password_resets (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL);
CREATE TABLE faq (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL);
CREATE TABLE faq_votes (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL, gr_entry text);
CREATE INDEX faq_votes_gr_entry ON faq_votes (gr_entry);
CREATE TABLE step_feedback (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL, gr_step text);
CREATE INDEX step_feedback_gr_step ON step_feedback (gr_step);
CREATE TABLE search_misses (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL);
CREATE TABLE live_sessions (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL, ix_code text UNIQUE);
CREATE TABLE live_questions (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL, gr_session text);
CREATE INDEX live_questions_gr_session ON live_questions (gr_session);
CREATE TABLE live_votes (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL, gr_question text);
CREATE INDEX live_votes_gr_question ON live_votes (gr_question);
CREATE TABLE participants (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL, gr_session text);
CREATE INDEX participants_gr_session ON participants (gr_session);
CREATE TABLE live_events (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL, log_group text NOT NULL, log_seq bigint NOT NULL);
CREATE UNIQUE INDEX live_events_log ON live_events (log_group, log_seq);
CREATE TABLE notifications (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL);
CREATE TABLE meta (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL);
