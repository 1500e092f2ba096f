-- Through text, so a stored real reads back as it always printed (0.8333333, not 0.833333313465118).
ALTER TABLE "enrollments" ALTER COLUMN "name_score" SET DATA TYPE double precision USING "name_score"::text::double precision;
