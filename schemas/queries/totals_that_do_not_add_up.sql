-- title: Totals that do not add up, largest gap first
-- description: Mismatched sums (parts that do not add to the stated total), with the gap in the
--   report's own unit, the number of parts and where it is; dismissed ones are left out.
-- example: duckdb corpus.duckdb < schemas/queries/totals_that_do_not_add_up.sql
SELECT
    path, issuer, section_path, page,
    stated AS total_stated, expected AS parts_add_up_to, stated - expected AS gap,
    len(operands) AS parts, operands, message_vi, quote, check_id, review_decision
FROM mismatches
WHERE rule = 'sum_parts' AND coalesce(review_decision, '') <> 'dismissed'
ORDER BY abs(stated - expected) DESC, path;
