-- Workshop labs (src/labs): the pool of each live session and its waiting list, grouped by session.
CREATE TABLE labs (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL, gr_session text);
CREATE INDEX labs_gr_session ON labs (gr_session);
CREATE TABLE lab_waitlist (key text PRIMARY KEY, doc text NOT NULL, version bigint NOT NULL, gr_session text);
CREATE INDEX lab_waitlist_gr_session ON lab_waitlist (gr_session);
