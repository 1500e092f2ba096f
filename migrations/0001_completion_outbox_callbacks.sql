CREATE TABLE "inbound_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"event_id" text NOT NULL,
	"platform_type" text NOT NULL,
	"kind" text NOT NULL,
	"enrollment_id" uuid,
	"outcome" text NOT NULL,
	"body" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incentive_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"card_number" text NOT NULL,
	"incentive" text NOT NULL,
	"sequence" integer NOT NULL,
	"amount" integer NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"at" timestamp with time zone NOT NULL,
	"event_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "known_vouchers" (
	"platform" text NOT NULL,
	"code" text NOT NULL,
	"card_number" text NOT NULL,
	"buyer_name" text NOT NULL,
	"course_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"state" text NOT NULL,
	"purchased_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "known_vouchers_platform_code_pk" PRIMARY KEY("platform","code")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"destination" text NOT NULL,
	"kind" text NOT NULL,
	"enrollment_id" uuid,
	"provider_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"leased_by" text,
	"last_error" text,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"receipt" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"redeem_code" text NOT NULL,
	"scope" text NOT NULL,
	"sequence" integer NOT NULL,
	"provider_id" text NOT NULL,
	"file_url" text NOT NULL,
	"notes" text,
	"assignment" text DEFAULT 'not_submitted' NOT NULL,
	"feedback" text DEFAULT 'not_submitted' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tasks_redeem_code_scope_sequence_pk" PRIMARY KEY("redeem_code","scope","sequence")
);
--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "sessions_attended" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "score" real;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "completed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "certificate" jsonb;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "rating" integer;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "review" text;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "sisnaker_accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "sisnaker_rejection" text;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "reported_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "prakerja_accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "prakerja_rejection" text;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "name_accepted_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_events_uq" ON "inbound_events" USING btree ("source","event_id");--> statement-breakpoint
CREATE INDEX "incentive_events_card_idx" ON "incentive_events" USING btree ("card_number");--> statement-breakpoint
CREATE UNIQUE INDEX "incentive_events_event_uq" ON "incentive_events" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "known_vouchers_card_idx" ON "known_vouchers" USING btree ("card_number");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_idempotency_uq" ON "outbox" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "outbox_enrollment_idx" ON "outbox" USING btree ("enrollment_id");