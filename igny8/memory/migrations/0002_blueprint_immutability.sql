-- A blueprint version is an immutable snapshot; only its status moves, and only forward:
-- draft → active → superseded (a draft may also be superseded by a newer activation).
CREATE FUNCTION blueprint_guard() RETURNS trigger AS $$
BEGIN
    IF NEW.snapshot IS DISTINCT FROM OLD.snapshot OR NEW.version <> OLD.version OR NEW.site_id <> OLD.site_id THEN
        RAISE EXCEPTION 'blueprint % version % is an immutable snapshot', OLD.site_id, OLD.version;
    END IF;
    IF NEW.status <> OLD.status AND NOT (
        (OLD.status = 'draft' AND NEW.status IN ('active', 'superseded')) OR
        (OLD.status = 'active' AND NEW.status = 'superseded')) THEN
        RAISE EXCEPTION 'blueprint status cannot go from % to %', OLD.status, NEW.status;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER blueprints_immutable BEFORE UPDATE ON blueprints
    FOR EACH ROW EXECUTE FUNCTION blueprint_guard();
