CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"operator" text NOT NULL,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"reason" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "discrepancies" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"platform" text NOT NULL,
	"subject" text NOT NULL,
	"voucher_code" text,
	"enrollment_id" uuid,
	"outbox_id" bigint,
	"card_number" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"resolution" text,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recon_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"platform" text,
	"window_from" timestamp with time zone NOT NULL,
	"window_to" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"requested_by" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "recon_staged_prakerja" (
	"run_id" bigint NOT NULL,
	"enrollment_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"platform" text NOT NULL,
	"voucher_code" text NOT NULL,
	"state" text NOT NULL,
	CONSTRAINT "recon_staged_prakerja_run_id_enrollment_id_pk" PRIMARY KEY("run_id","enrollment_id")
);
--> statement-breakpoint
CREATE TABLE "recon_staged_vouchers" (
	"run_id" bigint NOT NULL,
	"platform" text NOT NULL,
	"code" text NOT NULL,
	"state" text NOT NULL,
	"platform_status" text NOT NULL,
	"card_number" text NOT NULL,
	"buyer_name" text NOT NULL,
	"course_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"purchased_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"redeemed_at" timestamp with time zone,
	CONSTRAINT "recon_staged_vouchers_run_id_platform_code_pk" PRIMARY KEY("run_id","platform","code")
);
--> statement-breakpoint
ALTER TABLE "discrepancies" ADD CONSTRAINT "discrepancies_run_id_recon_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."recon_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_target_idx" ON "audit_log" USING btree ("target","id");--> statement-breakpoint
CREATE UNIQUE INDEX "discrepancies_finding_uq" ON "discrepancies" USING btree ("run_id","kind","platform","subject");--> statement-breakpoint
CREATE INDEX "discrepancies_enrollment_idx" ON "discrepancies" USING btree ("enrollment_id");--> statement-breakpoint
CREATE INDEX "discrepancies_status_idx" ON "discrepancies" USING btree ("status","kind","id");