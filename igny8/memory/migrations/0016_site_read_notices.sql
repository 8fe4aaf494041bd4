-- A notice on every committed change to what the WordPress plugin reads (the active blueprint, the content
-- queue): each server process keeps those reads in memory and forgets a site's when its notice arrives.
-- NOTIFY is sent on commit and folds identical payloads of one transaction into one, so a pipeline run that
-- touches a thousand pages of a site sends one notice.
CREATE FUNCTION igny8_site_read_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('igny8_site_reads', OLD.site_id::text);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('igny8_site_reads', NEW.site_id::text);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER blueprints_site_reads AFTER INSERT OR UPDATE OR DELETE ON blueprints
    FOR EACH ROW EXECUTE FUNCTION igny8_site_read_changed();
CREATE TRIGGER content_site_reads AFTER INSERT OR UPDATE OR DELETE ON content
    FOR EACH ROW EXECUTE FUNCTION igny8_site_read_changed();
CREATE TRIGGER publish_records_site_reads AFTER INSERT OR UPDATE OR DELETE ON publish_records
    FOR EACH ROW EXECUTE FUNCTION igny8_site_read_changed();
CREATE TRIGGER sync_events_site_reads AFTER INSERT OR UPDATE OR DELETE ON sync_events
    FOR EACH ROW EXECUTE FUNCTION igny8_site_read_changed();
