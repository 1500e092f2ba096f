CREATE TABLE "attendance_verifications" (
	"state" text PRIMARY KEY NOT NULL,
	"provider_id" text NOT NULL,
	"redeem_code" text NOT NULL,
	"sequence" integer NOT NULL,
	"email" text NOT NULL,
	"url" text NOT NULL,
	"returned_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "courses" (
	"id" text PRIMARY KEY NOT NULL,
	"provider_id" text NOT NULL,
	"title" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enrollment_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"enrollment_id" uuid NOT NULL,
	"type" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"source" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enrollments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"provider_id" text NOT NULL,
	"platform" text NOT NULL,
	"voucher_code" text NOT NULL,
	"course_id" text NOT NULL,
	"course_title" text NOT NULL,
	"card_number" text NOT NULL,
	"participant_name" text NOT NULL,
	"participant_email" text NOT NULL,
	"platform_buyer_name" text NOT NULL,
	"prakerja_name" text,
	"name_score" real NOT NULL,
	"name_decision" text NOT NULL,
	"name_explanation" text NOT NULL,
	"state" text NOT NULL,
	"platform_reference" text,
	"redeemed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"scope" text NOT NULL,
	"route" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" text NOT NULL,
	"response_status" integer,
	"response_body" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_scope_route_key_pk" PRIMARY KEY("scope","route","key")
);
--> statement-breakpoint
CREATE TABLE "providers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"prakerja_client_code" text,
	"jwks_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "redeem_code_uses" (
	"redeem_code" text NOT NULL,
	"sequence" integer NOT NULL,
	"provider_id" text NOT NULL,
	"status" text NOT NULL,
	"snapshot" jsonb,
	"committed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "redeem_code_uses_redeem_code_sequence_pk" PRIMARY KEY("redeem_code","sequence")
);
--> statement-breakpoint
CREATE TABLE "voucher_claims" (
	"id" uuid PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"voucher_code" text NOT NULL,
	"provider_id" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "courses" ADD CONSTRAINT "courses_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollment_events" ADD CONSTRAINT "enrollment_events_enrollment_id_enrollments_id_fk" FOREIGN KEY ("enrollment_id") REFERENCES "public"."enrollments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "enrollment_events_enrollment_idx" ON "enrollment_events" USING btree ("enrollment_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "enrollments_voucher_uq" ON "enrollments" USING btree ("platform","voucher_code");--> statement-breakpoint
CREATE INDEX "enrollments_provider_idx" ON "enrollments" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "enrollments_card_idx" ON "enrollments" USING btree ("card_number");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "voucher_claims_voucher_uq" ON "voucher_claims" USING btree ("platform","voucher_code");