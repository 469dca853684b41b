CREATE TABLE "executive_cases" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"executive_id" uuid NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"logged_by_id" uuid,
	"first_opened_at" timestamp with time zone,
	"delegated_to_id" uuid,
	"delegated_at" timestamp with time zone,
	"delegation_note" text,
	"report_customer_said" text,
	"report_actions_taken" text,
	"report_remedy_given" text,
	"report_customer_satisfied" boolean,
	"report_filed_by_id" uuid,
	"report_filed_at" timestamp with time zone,
	"verification_status" text DEFAULT 'none' NOT NULL,
	"verification_round" integer DEFAULT 0 NOT NULL,
	"verification_requested_at" timestamp with time zone,
	"verification_due_at" timestamp with time zone,
	"verification_completed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "executive_cases_report_complete" CHECK ("executive_cases"."report_filed_at" IS NULL OR ("executive_cases"."report_customer_said" IS NOT NULL AND "executive_cases"."report_actions_taken" IS NOT NULL AND "executive_cases"."report_remedy_given" IS NOT NULL AND "executive_cases"."report_customer_satisfied" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "executive_verification_calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"outcome" text NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"called_by_id" uuid,
	"called_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "authority_limits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"role" text,
	"user_id" uuid,
	"currency" text NOT NULL,
	"per_remedy_minor" bigint NOT NULL,
	"per_30_days_minor" bigint NOT NULL,
	"updated_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "authority_limits_one_subject" CHECK (("authority_limits"."role" IS NULL) <> ("authority_limits"."user_id" IS NULL)),
	CONSTRAINT "authority_limits_amounts" CHECK ("authority_limits"."per_remedy_minor" >= 0 AND "authority_limits"."per_30_days_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "remedies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"description" text NOT NULL,
	"granted_by_id" uuid NOT NULL,
	"department_id" uuid,
	"organization_id" uuid,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"above_limit" text NOT NULL,
	"justification" text,
	"limit_per_remedy_minor" bigint NOT NULL,
	"limit_per_30_days_minor" bigint NOT NULL,
	"used_before_minor" bigint NOT NULL,
	"review_status" text NOT NULL,
	"reviewed_by_id" uuid,
	"reviewed_at" timestamp with time zone,
	"review_note" text,
	CONSTRAINT "remedies_amount_nonnegative" CHECK ("remedies"."amount_minor" >= 0),
	CONSTRAINT "remedies_currency_iso" CHECK ("remedies"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "remedies_justified" CHECK ("remedies"."above_limit" = 'no' OR length("remedies"."justification") > 0)
);
--> statement-breakpoint
CREATE TABLE "case_cost_totals" (
	"case_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"remedies_minor" bigint NOT NULL,
	"handling_minor" bigint NOT NULL,
	"handling_minutes" integer NOT NULL,
	"total_minor" bigint NOT NULL,
	CONSTRAINT "case_cost_totals_case_id_currency_pk" PRIMARY KEY("case_id","currency")
);
--> statement-breakpoint
CREATE TABLE "case_costs" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"measured_minutes" integer DEFAULT 0 NOT NULL,
	"correction_minutes" integer DEFAULT 0 NOT NULL,
	"correction_department_id" uuid,
	"correction_reason" text,
	"corrected_by_id" uuid,
	"corrected_at" timestamp with time zone,
	"department_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"computed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "case_root_causes" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"origin" text NOT NULL,
	"department_id" uuid,
	"category_id" uuid NOT NULL,
	"description" text NOT NULL,
	"recorded_by_id" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_root_causes_origin" CHECK (("case_root_causes"."origin" = 'department') = ("case_root_causes"."department_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "corrective_action_cases" (
	"action_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	CONSTRAINT "corrective_action_cases_action_id_case_id_pk" PRIMARY KEY("action_id","case_id")
);
--> statement-breakpoint
CREATE TABLE "corrective_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_id" uuid NOT NULL,
	"category_id" uuid,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"owner_id" uuid NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_by_id" uuid,
	"completed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "root_cause_categories" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "upstream_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_id" uuid NOT NULL,
	"director_id" uuid,
	"month" text NOT NULL,
	"subject" text NOT NULL,
	"body_text" text NOT NULL,
	"content" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "upstream_reports_month" CHECK ("upstream_reports"."month" ~ '^[0-9]{4}-[0-9]{2}$')
);
--> statement-breakpoint
ALTER TABLE "executive_cases" ADD CONSTRAINT "executive_cases_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executive_cases" ADD CONSTRAINT "executive_cases_executive_id_users_id_fk" FOREIGN KEY ("executive_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executive_cases" ADD CONSTRAINT "executive_cases_logged_by_id_users_id_fk" FOREIGN KEY ("logged_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executive_cases" ADD CONSTRAINT "executive_cases_delegated_to_id_users_id_fk" FOREIGN KEY ("delegated_to_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executive_cases" ADD CONSTRAINT "executive_cases_report_filed_by_id_users_id_fk" FOREIGN KEY ("report_filed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executive_verification_calls" ADD CONSTRAINT "executive_verification_calls_case_id_executive_cases_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."executive_cases"("case_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executive_verification_calls" ADD CONSTRAINT "executive_verification_calls_called_by_id_users_id_fk" FOREIGN KEY ("called_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authority_limits" ADD CONSTRAINT "authority_limits_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authority_limits" ADD CONSTRAINT "authority_limits_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remedies" ADD CONSTRAINT "remedies_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remedies" ADD CONSTRAINT "remedies_granted_by_id_users_id_fk" FOREIGN KEY ("granted_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remedies" ADD CONSTRAINT "remedies_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remedies" ADD CONSTRAINT "remedies_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remedies" ADD CONSTRAINT "remedies_reviewed_by_id_users_id_fk" FOREIGN KEY ("reviewed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_cost_totals" ADD CONSTRAINT "case_cost_totals_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_costs" ADD CONSTRAINT "case_costs_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_costs" ADD CONSTRAINT "case_costs_correction_department_id_departments_id_fk" FOREIGN KEY ("correction_department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_costs" ADD CONSTRAINT "case_costs_corrected_by_id_users_id_fk" FOREIGN KEY ("corrected_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_root_causes" ADD CONSTRAINT "case_root_causes_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_root_causes" ADD CONSTRAINT "case_root_causes_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_root_causes" ADD CONSTRAINT "case_root_causes_category_id_root_cause_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."root_cause_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_root_causes" ADD CONSTRAINT "case_root_causes_recorded_by_id_users_id_fk" FOREIGN KEY ("recorded_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrective_action_cases" ADD CONSTRAINT "corrective_action_cases_action_id_corrective_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."corrective_actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrective_action_cases" ADD CONSTRAINT "corrective_action_cases_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrective_actions" ADD CONSTRAINT "corrective_actions_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrective_actions" ADD CONSTRAINT "corrective_actions_category_id_root_cause_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."root_cause_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrective_actions" ADD CONSTRAINT "corrective_actions_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrective_actions" ADD CONSTRAINT "corrective_actions_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upstream_reports" ADD CONSTRAINT "upstream_reports_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upstream_reports" ADD CONSTRAINT "upstream_reports_director_id_users_id_fk" FOREIGN KEY ("director_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "executive_cases_executive_idx" ON "executive_cases" USING btree ("executive_id","received_at");--> statement-breakpoint
CREATE INDEX "executive_cases_pending_idx" ON "executive_cases" USING btree ("verification_due_at") WHERE "executive_cases"."verification_status" = 'pending';--> statement-breakpoint
CREATE INDEX "executive_verification_calls_case_idx" ON "executive_verification_calls" USING btree ("case_id","called_at");--> statement-breakpoint
CREATE UNIQUE INDEX "authority_limits_role_key" ON "authority_limits" USING btree ("role","currency") WHERE "authority_limits"."role" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "authority_limits_user_key" ON "authority_limits" USING btree ("user_id","currency") WHERE "authority_limits"."user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "remedies_case_idx" ON "remedies" USING btree ("case_id","granted_at");--> statement-breakpoint
CREATE INDEX "remedies_granter_idx" ON "remedies" USING btree ("granted_by_id","currency","granted_at");--> statement-breakpoint
CREATE INDEX "remedies_granted_idx" ON "remedies" USING btree ("granted_at");--> statement-breakpoint
CREATE INDEX "remedies_review_idx" ON "remedies" USING btree ("granted_at") WHERE "remedies"."review_status" = 'pending';--> statement-breakpoint
CREATE INDEX "case_root_causes_department_idx" ON "case_root_causes" USING btree ("department_id","recorded_at");--> statement-breakpoint
CREATE INDEX "case_root_causes_category_idx" ON "case_root_causes" USING btree ("category_id","recorded_at");--> statement-breakpoint
CREATE INDEX "corrective_action_cases_case_idx" ON "corrective_action_cases" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "corrective_actions_department_idx" ON "corrective_actions" USING btree ("department_id","status","due_at");--> statement-breakpoint
CREATE INDEX "corrective_actions_open_due_idx" ON "corrective_actions" USING btree ("due_at") WHERE "corrective_actions"."status" IN ('open', 'in_progress');--> statement-breakpoint
CREATE UNIQUE INDEX "root_cause_categories_name_key" ON "root_cause_categories" USING btree (lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "upstream_reports_department_month_key" ON "upstream_reports" USING btree ("department_id","month");