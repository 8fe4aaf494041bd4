-- A pipeline run's live progress, readable from every server process: the stage, done/total and message the
-- running process writes (throttled), and its heartbeat. The process running a site's pipeline also holds a
-- session advisory lock (namespace 0x16870021, site id), so a run whose process died is told apart at once.
ALTER TABLE pipeline_runs
    ADD COLUMN live jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN heartbeat_at timestamptz;

-- Runs killed before this migration stayed 'running': all but each site's latest become 'interrupted' (they
-- stay resumable), so that at most one run per site is 'running' from now on.
UPDATE pipeline_runs SET status = 'interrupted'
 WHERE status = 'running'
   AND id NOT IN (SELECT max(id) FROM pipeline_runs WHERE status = 'running' GROUP BY site_id);

CREATE UNIQUE INDEX pipeline_runs_one_running_per_site ON pipeline_runs (site_id) WHERE status = 'running';
CREATE INDEX pipeline_runs_site_latest ON pipeline_runs (site_id, id DESC);
