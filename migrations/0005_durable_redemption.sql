ALTER TABLE "providers" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "voucher_claims" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "voucher_claims" ADD COLUMN "plan" jsonb;--> statement-breakpoint
ALTER TABLE "voucher_claims" ADD COLUMN "platform_reference" text;--> statement-breakpoint
ALTER TABLE "voucher_claims" ADD COLUMN "redeemed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "voucher_claims_unsettled_idx" ON "voucher_claims" USING btree ("status") WHERE status <> 'redeemed';