-- An open case's owner and a team's lead are active employees, at every commit, whatever path writes them.
-- The writer share-locks the person's row (FOR SHARE); a deactivation updates that row, so the two serialize:
-- either the deactivation waits for the writer and then hands over what it wrote, or the writer waits for the
-- deactivation and then reads the person as inactive (READ COMMITTED re-reads a row it waited for).
CREATE FUNCTION cases_owner_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'closed' OR NEW.owner_id IS NULL THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.owner_id = OLD.owner_id AND OLD.status <> 'closed' THEN
    RETURN NEW;
  END IF;
  PERFORM 1 FROM users WHERE id = NEW.owner_id AND active FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'The owner must be an active employee'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'cases_owner_active';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER cases_owner_active BEFORE INSERT OR UPDATE OF owner_id, status ON "cases"
  FOR EACH ROW EXECUTE FUNCTION cases_owner_active();
--> statement-breakpoint
CREATE FUNCTION teams_lead_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.lead_id IS NULL OR (TG_OP = 'UPDATE' AND NEW.lead_id = OLD.lead_id) THEN
    RETURN NEW;
  END IF;
  PERFORM 1 FROM users WHERE id = NEW.lead_id AND active FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'The team lead must be an active employee'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'teams_lead_active';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER teams_lead_active BEFORE INSERT OR UPDATE OF lead_id ON "teams"
  FOR EACH ROW EXECUTE FUNCTION teams_lead_active();
--> statement-breakpoint
-- The other side: a transaction that deactivates someone commits only once it handed over their open cases
-- and their lead roles (checked at commit, so the hand-over may come before or after the update).
CREATE FUNCTION users_deactivated_hold_nothing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM cases WHERE owner_id = NEW.id AND status <> 'closed') THEN
    RAISE EXCEPTION 'A deactivated employee cannot keep open cases'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'users_deactivated_own_no_open_cases';
  END IF;
  IF EXISTS (SELECT 1 FROM teams WHERE lead_id = NEW.id) THEN
    RAISE EXCEPTION 'A deactivated employee cannot lead a team'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'users_deactivated_lead_no_team';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER users_deactivated_hold_nothing AFTER UPDATE OF active ON "users"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (OLD.active AND NOT NEW.active) EXECUTE FUNCTION users_deactivated_hold_nothing();
