ALTER TABLE "recon_staged_prakerja" DROP CONSTRAINT "recon_staged_prakerja_run_id_enrollment_id_pk";--> statement-breakpoint
ALTER TABLE "recon_staged_vouchers" DROP CONSTRAINT "recon_staged_vouchers_run_id_platform_code_pk";--> statement-breakpoint
ALTER TABLE "recon_staged_prakerja" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
ALTER TABLE "recon_staged_vouchers" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
CREATE INDEX "recon_staged_prakerja_run_enrollment_idx" ON "recon_staged_prakerja" USING btree ("run_id","enrollment_id");--> statement-breakpoint
CREATE INDEX "recon_staged_vouchers_run_code_idx" ON "recon_staged_vouchers" USING btree ("run_id","platform","code");