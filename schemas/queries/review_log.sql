-- title: Review decisions, latest first
-- description: The audit trail: every decision recorded with `baocao review`, who made it and when,
--   with the check it concerns. A review whose check no longer exists (the rule or the text changed)
--   is kept and shown as orphaned, so no decision is lost silently.
-- example: duckdb corpus.duckdb < schemas/queries/review_log.sql
SELECT
    r."at", r.decision, r."by", r.note, r.check_id,
    c.rule, c.status, d.path, c.message_vi, c.quote,
    c.check_id IS NULL AS orphaned,
    r."at" = max(r."at") OVER (PARTITION BY r.check_id) AS is_latest
FROM reviews r
LEFT JOIN checks c USING (check_id)
LEFT JOIN documents d USING (doc_id)
ORDER BY r."at" DESC;
