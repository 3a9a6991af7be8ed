-- title: Why relations could not be verified
-- description: Checks left unverifiable (approximate figures, an unclear base, OCR doubts, ...) grouped
--   by rule and reason, with one example each: the list of what a person must read to decide.
-- example: duckdb corpus.duckdb < schemas/queries/unverifiable_reasons.sql
SELECT
    c.rule,
    regexp_replace(coalesce(c.reason, ''), '\s*\[[^\]]*\]$', '') AS reason,
    count(*) AS checks,
    count(DISTINCT c.doc_id) AS documents,
    arg_min(c.quote, c.char_start) AS example_quote,
    arg_min(d.path, c.char_start) AS example_document
FROM checks c
JOIN documents d USING (doc_id)
WHERE c.status = 'unverifiable'
GROUP BY 1, 2
ORDER BY checks DESC, c.rule;
