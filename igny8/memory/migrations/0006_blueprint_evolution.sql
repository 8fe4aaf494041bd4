-- Blueprint evolution: a page keeps its row (and so its links, images and WordPress post) across blueprint
-- versions. A rewrite keeps the text it replaced; a page a newer version no longer plans is flagged.
CREATE TABLE content_revisions (
    id                bigserial PRIMARY KEY,
    content_id        bigint NOT NULL REFERENCES content(id) ON DELETE CASCADE,
    task_id           bigint NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    blueprint_version integer,
    title             text NOT NULL,
    html              text NOT NULL,
    meta              jsonb NOT NULL,
    replaced_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (content_id, task_id)
);

ALTER TABLE content ADD COLUMN retired_in_version integer;
