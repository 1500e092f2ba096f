CREATE TABLE "destination_breakers" (
	"destination" text PRIMARY KEY NOT NULL,
	"opened_until" timestamp with time zone,
	"opened_at" timestamp with time zone,
	"failures" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
